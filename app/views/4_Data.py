"""Data: import a file (validation report first, then an all-or-nothing write), export, layers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import data, dataio, shell, state
from app.i18n import name_column, t, tn
from walouja.errors import WaloujaError

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
    )
    state.publish("imp_layer", layer, "centres")
    with st.expander(t("data.expected"), expanded=False):
        st.dataframe(dataio.expected_columns(layer), hide_index=True, width="stretch")
        st.caption(t("data.expected_note"))
    uploaded = st.file_uploader(t("data.file"), type=dataio.UPLOAD_TYPES, key="upload")
    if uploaded is not None and st.button(t("data.check"), key="check", type="primary"):
        upload = dataio.save_upload(uploaded.name, uploaded.getvalue(), layer=layer)
        with st.spinner(t("data.checking"), show_time=True):
            try:
                report = dataio.check_file(layer, upload.path)
            except WaloujaError as exc:
                st.session_state.pop("import_check", None)
                shell.show_error(exc)
            else:
                st.session_state["import_check"] = (upload, report, uploaded.file_id)
                st.session_state.pop("import_done", None)
    checked = st.session_state.get("import_check")
    if checked is not None and (
        uploaded is None or checked[1].layer != layer or checked[2] != uploaded.file_id
    ):
        checked = None
    if checked is not None:
        upload, report, _ = checked
        counts = {
            "accepted": report.rows_read - report.rejected,
            "rejected": report.rejected,
            "total": report.rows_read,
        }
        (st.error if report.rejected else st.success)(
            t(
                "data.report",
                accepted=tn("data.report.accepted", counts["accepted"]),
                rejected=tn("data.report.rejected", counts["rejected"]),
                total=counts["total"],
            )
        )
        if report.problems:
            st.markdown(f"**{t('data.problems')}**")
            problems = dataio.problem_table(report.problems)
            st.dataframe(problems, hide_index=True, width="stretch")
        if report.warnings:
            st.markdown(f"**{t('data.warnings')}**")
            st.markdown(dataio.warning_lines(report.warnings))
        if report.refused:
            st.warning(t("data.refused"))
        elif counts["accepted"] == 0:
            st.info(t("data.nothing"))
        elif st.button(
            tn("data.write", counts["accepted"], layer=t(f"layer.{layer}")),
            key="write",
            type="primary",
        ):
            with st.spinner(t("data.writing"), show_time=True):
                try:
                    written = dataio.write_file(layer, upload.path)
                except WaloujaError as exc:
                    shell.show_error(exc)
                else:
                    st.session_state["import_done"] = written
                    st.session_state.pop("import_check", None)
                    data.refresh()
                    st.rerun()
    done = st.session_state.get("import_done")
    if done is not None:
        st.success(
            t("data.done", inserted=done.inserted, updated=done.updated, unchanged=done.unchanged)
        )

with tab_export:
    counts_now = data.layer_counts()
    exportable = [name for name in dataio.IMPORT_LAYERS if counts_now[name].exists]
    e1, e2, e3 = st.columns(3)
    exp_layer = e1.selectbox(
        t("data.layer"), exportable, key="exp_layer", format_func=lambda v: t(f"layer.{v}")
    )
    fmt = e2.selectbox(t("data.export_format"), list(dataio.EXPORT_FORMATS), key="exp_fmt")
    regions = data.units("regions")
    names = dict(zip(regions["code"], regions[name_column()], strict=True))
    region = e3.selectbox(
        t("data.export_region"),
        ["", *regions["code"]],
        key="exp_region",
        format_func=lambda c: names.get(c, c) if c else t("filter.all_regions"),
    )
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
                    t("data.export_download", name=file_name), content, file_name=file_name
                )

with tab_layers:
    table = pd.DataFrame(
        [
            {
                t("data.layer"): t(f"layer.{c.table}"),
                t("data.col.rows"): c.rows,
                t("data.col.demo_rows"): c.demo_rows,
            }
            for c in data.layer_counts().values()
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.page_link("views/9_Sources_and_licences.py", label=t("sources.more"), icon="📜")
