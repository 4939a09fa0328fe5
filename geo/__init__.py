"""Everything that touches PostGIS or a file format: connection, migrations, layers, loaders."""
