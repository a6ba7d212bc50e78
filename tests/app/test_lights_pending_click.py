""""预警更新中…" never drops a click (ui.lights.pending): when the lights come in during the run a
click started, between the page's check and the poll's, the click still does its work."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

TIMEOUT = 30


def _page() -> None:
    import streamlit as st

    from ui.lights.pending import lights_status

    lights_status(7)
    if st.button("检查文件"):
        st.session_state["checked"] = st.session_state.get("checked", 0) + 1
    st.write(f"checked {st.session_state.get('checked', 0)}")


def test_a_click_in_the_run_that_sees_the_lights_arrive_is_not_lost(monkeypatch):
    import ui.lights.pending as pending_module

    # pending requests for each call: the first run sees one twice (page check, poll); the
    # click's run sees one at the page's check and none at the poll's: the lights came in between
    answers = iter([1, 1, 1, 0])
    monkeypatch.setattr(pending_module, "pending", lambda engine, **which: next(answers, 0))
    monkeypatch.setattr(pending_module, "get_engine", lambda: None)
    at = AppTest.from_function(_page, default_timeout=TIMEOUT).run()
    assert [i.value for i in at.info] == [pending_module.t("lights.queue.pending")]
    at.button[0].click().run()
    assert not at.exception
    assert at.markdown[-1].value == "checked 1"
    assert pending_module.t("lights.queue.done") in [c.value for c in at.caption]
