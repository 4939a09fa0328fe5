"""Data: import a file (validation report first, then a write of the whole file or, when
asked, of its valid rows), export, layers."""

from __future__ import annotations

import dataclasses

import streamlit as st

from app import data, dataio, shell, state
from app.components.tables import MISSING
from app.i18n import current_language, grouped, name_column, t, tn
from walouja.errors import ValidationError, WaloujaError

shell.header("data.title", "data.intro")
if not shell.require_database():
    st.stop()

tab_import, tab_export, tab_layers = st.tabs(
    [t("data.tab_import"), t("data.tab_export"), t("data.tab_layers")]
)

with tab_import:
    layers = list(dataio.IMPORT_LAYERS)
    layer = st.selectbox(
        t("data.layer"),
        layers,
        key="imp_layer",
        index=state.start_index("imp_layer", layers, "centres"),
        format_func=lambda v: t(f"layer.{v}"),
        placeholder=t("streamlit.choose_option"),
    )
    state.publish("imp_layer", layer, "centres")
    with st.expander(t("data.expected"), expanded=False):
        # whole texts that wrap (a list of allowed values runs to 170 characters)
        st.table(shell.text_table(dataio.expected_columns(layer)))
        st.caption(t("data.expected_note"))
    # any file is taken: one Walouja cannot read is refused with the reason in the page's
    # language (Streamlit's own refusal of a type is an English tooltip)
    uploaded = st.file_uploader(t("data.file"), key="upload")
    # the widget's own texts are Streamlit's English: the limit, in the page's language
    st.caption(t("data.file_limit", mb=st.get_option("server.maxUploadSize")))
    crs = st.text_input(
        t("data.crs"), key="imp_crs", placeholder="EPSG:26191", help=t("data.crs_help")
    ).strip()
    if uploaded is not None and st.button(t("data.check"), key="check", type="primary"):
        previous = st.session_state.get("import_check")
        upload = dataio.save_upload(
            uploaded.name,
            uploaded.getvalue(),
            layer=layer,
            replaces=None if previous is None else previous.upload,
        )
        with st.spinner(t("data.checking"), show_time=True):
            try:
                report = dataio.check_file(layer, upload.path, crs=crs)
            except WaloujaError as exc:
                st.session_state.pop("import_check", None)
                dataio.discard(upload)
                shell.show_error(exc)
            else:
                missing = dataio.missing_choices(layer, report)
                # a file with a source column: the box starts empty (each row keeps its own)
                # and what it shows, once typed, is every row's
                own = dataio.own_sources(report)
                source = "" if own else dataio.default_source(upload.path)
                st.session_state["import_check"] = dataio.Checked(
                    upload,
                    uploaded.file_id,
                    layer,
                    report,
                    missing,
                    crs=crs,
                    source=source,
                    own=own,
                )
                st.session_state.pop("import_done", None)
                # a new file starts from its own defaults, not the last file's choices
                for name in [k for k in st.session_state if str(k).startswith("imp_default_")]:
                    del st.session_state[name]
                st.session_state["imp_skip"] = False
                st.session_state["imp_source"] = source
                st.session_state["imp_licence"] = dataio.default_licence(upload.path)
    checked = st.session_state.get("import_check")
    if checked is not None and (
        uploaded is None or checked.layer != layer or checked.file_id != uploaded.file_id
    ):
        checked = None
    if checked is not None:
        report_box = st.container()
        chosen: dict[str, str] = {}
        for name in checked.missing:
            options: list[str] = ["", *dataio.field_choices(layer, name)]
            labels = {
                v: dataio.choice_label(name, v) if v else t("data.default_none") for v in options
            }
            previous = dict(checked.defaults).get(name, "")
            value = st.selectbox(
                t("data.default_for", field=dataio.field_label(name)),
                options,
                # the value already checked: a widget made anew (its labels change with the
                # language) must not drop it, or fewer rows are written than the report says
                index=state.keep_or(
                    f"imp_default_{name}", options.index(previous) if previous in options else 0, 0
                ),
                key=f"imp_default_{name}",
                format_func=labels.__getitem__,
                placeholder=t("streamlit.choose_option"),
            )
            if value:
                chosen[name] = value
        # the source box is drawn below, but what it holds decides what counts as another
        # source's row: a check must have seen it before anything is written
        # source (empty: each row's own, when the file has a source column)
        source_now = str(st.session_state.get("imp_source", "")).strip()
        check_source = source_now or ("" if checked.own else checked.source)
        rechecked = False
        if chosen != dict(checked.defaults) or crs != checked.crs or check_source != checked.source:
            if crs != checked.crs:
                st.caption(t("data.crs_changed"))
            if check_source != checked.source and check_source:
                st.info(t("data.source_changed", source=shell.typed_name(check_source)))
            elif check_source != checked.source:
                st.info(t("data.source_own_changed"))
            with st.spinner(t("data.checking"), show_time=True):
                try:
                    again = dataio.check_file(
                        layer, checked.upload.path, defaults=chosen, crs=crs, source=check_source
                    )
                except WaloujaError as exc:
                    st.session_state.pop("import_check", None)
                    shell.show_error(exc)
                    st.stop()
            checked = dataclasses.replace(
                checked, report=again, defaults=chosen, crs=crs, source=check_source
            )
            st.session_state["import_check"] = checked
            rechecked = True
        report = checked.report
        with report_box:
            if st.session_state.pop("import_rechecked", False):
                st.warning(t("data.rechecked"))
            (st.error if report.rejected else st.success)(
                t(
                    "data.report",
                    accepted=tn("data.report.accepted", checked.accepted),
                    rejected=tn("data.report.rejected", report.rejected),
                    total=grouped(report.rows_read, current_language()),
                )
            )
            if checked.accepted:  # what writing them would do to the layer
                st.caption(
                    t(
                        "data.report.effect",
                        inserted=tn("data.done.inserted", report.inserted),
                        updated=tn("data.done.updated", report.updated),
                        unchanged=tn("data.done.unchanged", report.unchanged),
                    )
                )
            if report.problems:
                st.markdown(f"**{t('data.problems')}**")
                problems = dataio.problem_table(report.problems)
                if len(problems) <= dataio.WHOLE_PROBLEMS:
                    # each reason whole, wrapping in its cell (the grid cut what to do
                    # at the column's edge: "… à 12 km de « Centre nouveau » (EPS) de …")
                    st.table(shell.text_table(problems))
                else:  # thousands of rows: the grid, its rows tall enough for a reason
                    st.dataframe(
                        problems,
                        hide_index=True,
                        placeholder=MISSING,
                        width="stretch",
                        row_height=dataio.problem_row_height(problems),
                        column_config=shell.aligned_columns(
                            problems, dataio.problem_widths(problems)
                        ),
                        column_order=shell.reading_order(problems),
                    )
            if report.warnings:
                st.markdown(f"**{t('data.warnings')}**")
                st.markdown(dataio.warning_lines(report.warnings))
            # a field many rows lack: what to do with what the page offers now (the box that
            # imports only the valid rows is drawn once some are)
            for line in dataio.advice_lines(report, skip_offered=checked.accepted > 0):
                st.info(line)
        if checked.accepted == 0:  # a value still to choose may be all the file needs
            st.info(t("data.nothing_choose" if checked.choosing else "data.nothing"))
        ready = checked.accepted > 0
        if ready and report.rejected:
            st.warning(t("data.refused"))
            ready = st.checkbox(
                t(
                    "data.skip_invalid",
                    n=grouped(checked.accepted, current_language()),
                    total=grouped(report.rows_read, current_language()),
                ),
                key="imp_skip",
            )
        # always drawn once a file is checked (a refusal may say to import under another
        # source), so that what the user typed survives unticking the box above
        c1, c2 = st.columns(2)
        source = c1.text_input(
            t("data.source"),
            key="imp_source",
            placeholder=t("data.source_own") if checked.own else None,
        ).strip()
        if checked.own and not source:  # what an empty box records
            c1.caption(
                tn(
                    "data.source_own_note",
                    checked.own.n,
                    example=shell.typed_name(checked.own.example),
                    file=shell.typed_name(dataio.default_source(checked.upload.path)),
                )
            )
        # an export's rows keep their own sources and licences: a licence typed for them
        # was asked for, then "not recorded: no row comes from <file>"
        own_licences = checked.own is not None and not source and report.licensed
        licence = c2.text_input(
            t("data.licence"),
            key="imp_licence",
            placeholder=t("data.licence_own" if own_licences else "data.licence_example"),
        ).strip()
        # without a source typed, a file with its own source column still says each row's
        source_missing = not source and checked.own is None
        if source_missing:
            st.caption(t("data.source_needed"))
        elif not licence and own_licences:
            c2.caption(t("data.licence_own_note"))
        elif not licence:
            st.caption(t("data.licence_needed"))
        clicked = checked.accepted > 0 and (
            ready
            and st.button(
                tn("data.write", checked.accepted, layer=t(f"layer.{layer}")),
                key="write",
                type="primary",
                disabled=source_missing or not (licence or own_licences),
            )
        )
        # a click in the run that checked the file again (the source just typed) waits
        # for the user to read the new report
        if clicked and not rechecked:
            with st.spinner(t("data.writing"), show_time=True):
                try:
                    written = dataio.write_file(
                        layer,
                        checked.upload.path,
                        source=source,
                        licence=licence,
                        skip_invalid=bool(report.rejected),
                        defaults=checked.defaults,
                        crs=checked.crs,
                    )
                except ValidationError:
                    # the layer changed since the check (another import wrote rows this
                    # file's ids name): nothing was written; the file is checked again, so
                    # that the rows now refused are listed, and the others can be imported
                    try:
                        again = dataio.check_file(
                            layer,
                            checked.upload.path,
                            defaults=checked.defaults,
                            crs=checked.crs,
                            source=checked.source,
                        )
                    except WaloujaError as exc:
                        shell.show_error(exc)
                    else:
                        st.session_state["import_check"] = dataclasses.replace(
                            checked, report=again
                        )
                        st.session_state["import_rechecked"] = True
                        st.rerun()
                except WaloujaError as exc:
                    shell.show_error(exc)
                else:
                    st.session_state["import_done"] = written
                    dataio.discard(checked.upload)
                    st.session_state.pop("import_check", None)
                    data.refresh()
                    st.rerun()
    done = st.session_state.get("import_done")
    if done is not None:
        st.success(
            t(
                "data.done",
                inserted=tn("data.done.inserted", done.inserted),
                updated=tn("data.done.updated", done.updated),
                unchanged=tn("data.done.unchanged", done.unchanged),
            )
        )
        if done.rejected:
            st.info(tn("data.done_skipped", done.rejected))
        if done.provenance:  # a licence corrected (or not recorded) in the sources' list
            st.info(dataio.warning_lines(done.provenance))

with tab_export:
    counts_now = data.layer_counts()
    exportable = [name for name in dataio.IMPORT_LAYERS if counts_now[name].exists]
    e1, e2, e3 = st.columns(3)
    exp_layer = e1.selectbox(
        t("data.layer"),
        exportable,
        key="exp_layer",
        index=state.keep_or("exp_layer", 0, 0),  # re-worded after a change of language
        format_func=lambda v: t(f"layer.{v}"),
        placeholder=t("streamlit.choose_option"),
    )
    fmt = e2.selectbox(
        t("data.export_format"),
        list(dataio.EXPORT_FORMATS),
        key="exp_fmt",
        format_func=dataio.export_format_label,
        placeholder=t("streamlit.choose_option"),
    )
    regions = data.units("regions")
    names = dict(zip(regions["code"], regions[name_column()], strict=True))
    region = e3.selectbox(
        t("data.export_region"),
        ["", *regions["code"]],
        key="exp_region",
        index=state.keep_or("exp_region", 0, 0),
        format_func=lambda c: names.get(c, c) if c else t("filter.all_regions"),
        placeholder=t("streamlit.choose_option"),
    )
    if exp_layer:  # a file of invented rows says so before it is downloaded, as maps do
        shell.demo_note(exp_layer)
    if exp_layer and st.button(t("data.export_prepare"), key="export"):
        try:
            content, file_name, rows = dataio.export_bytes(exp_layer, fmt, region=region or None)
        except WaloujaError as exc:
            shell.show_error(exc)
        else:
            if rows == 0 and not counts_now[exp_layer].rows:
                st.info(t("data.export_empty"))
            elif rows == 0:  # the layer has rows, none in the chosen region
                where = names.get(region, region) if region else t("filter.all_regions")
                st.info(t("data.export_no_match", layer=t(f"layer.{exp_layer}"), region=where))
            else:  # a file of headers only is no use to anyone
                st.caption(tn("data.export_rows", rows))
                st.download_button(
                    t("data.export_download", name=file_name),
                    content,
                    file_name=file_name,
                    # how the CSV is written, as the other downloads' help says it
                    help=t("data.export_csv_help") if fmt == "csv" else None,
                )

with tab_layers:
    table, shown = dataio.layers_table(list(data.layer_counts().values()))
    st.dataframe(
        shown,
        hide_index=True,
        placeholder=MISSING,
        width="stretch",
        column_config=shell.aligned_columns(table),
        column_order=shell.reading_order(table),
    )
    shell.sources_link()
