"""Issue 16: the data officer's answer to a 督办 order carries evidence files (PDF, images,
Office documents), recognised by content, size-checked, stored with the order, offered only as
downloads and only to users whose scope holds the order."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select
from sqlmodel import Session

from i18n import translate
from models.lights import SupervisionOrder
from models.users import User
from services.lights import evidence as ev
from services.lights.orders import LightsError
from services.platform.scope import scope_for
from tests.app.helpers import act, login, open_page

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _scope(engine, username):  # noqa: ANN001, ANN202
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return scope_for(user, session=s)


def _order_id(engine, order_no: str) -> int:  # noqa: ANN001
    with Session(engine) as s:
        return s.execute(select(SupervisionOrder.id)
                         .where(SupervisionOrder.order_no == order_no)).scalar_one()


def test_content_decides_the_type_not_the_name():
    assert ev.sniff("整改报告.pdf", PDF) == ("pdf", "application/pdf")
    assert ev.sniff("现场照片.PNG", PNG) == ("png", "image/png")
    assert ev.sniff("制度.docx", _docx())[0] == "docx"
    for name, content in (("报告.pdf", b"<html><script>alert(1)</script>"),  # HTML named .pdf
                          ("照片.png", PDF),                                  # mismatched name
                          ("run.exe", b"MZ\x90\x00"),
                          ("旧表.zip", _docx())):
        with pytest.raises(LightsError) as err:
            ev.sniff(name, content)
        assert err.value.key == "lights.evidence.err_type"
    assert ev.safe_name("../../etc/passwd") == "passwd"
    assert ev.safe_name("C:\\Users\\a\\整改\x07报告.pdf") == "整改报告.pdf"


def test_officer_attaches_files_that_only_the_orders_scope_can_read(seeded):
    order_id = _order_id(seeded, "DB202600002")  # issued to 沈河区市场监督管理局
    officer = _scope(seeded, "county2_data")
    new_id = act(seeded, ev.add_evidence, actor="county2_data", scope=officer,
                 order_id=order_id, file_name="整改报告.pdf", content=PDF)
    with pytest.raises(LightsError) as err:
        act(seeded, ev.add_evidence, actor="county2_data", scope=officer, order_id=order_id,
            file_name="big.pdf", content=PDF + b"0" * ev.MAX_BYTES)
    assert err.value.key == "lights.evidence.err_size"
    with pytest.raises(LightsError) as err:  # another county's officer cannot attach to it
        act(seeded, ev.add_evidence, actor="county_data", scope=_scope(seeded, "county_data"),
            order_id=order_id, file_name="x.pdf", content=PDF)
    assert err.value.key == "lights.err_order_not_found"
    with Session(seeded) as s:
        listed = ev.evidence_list(session=s, scope=officer, order_id=order_id)
        assert listed.select("file_name", "media_type", "size").rows() == [
            ("整改报告.pdf", "application/pdf", len(PDF))]
        assert ev.evidence_file(session=s, scope=_scope(seeded, "prov_supervisor"),
                                evidence_id=new_id) == ("整改报告.pdf", "application/pdf", PDF)
        assert ev.evidence_file(session=s, scope=_scope(seeded, "county_supervisor"),
                                evidence_id=new_id) is None  # 和平区 cannot read 沈河区's files
        assert ev.evidence_list(session=s, scope=_scope(seeded, "county_data"),
                                order_id=order_id).is_empty()


def test_orders_page_offers_the_file_as_a_download_and_the_upload_to_the_officer(seeded):
    order_id = _order_id(seeded, "DB202600002")
    act(seeded, ev.add_evidence, actor="county2_data", scope=_scope(seeded, "county2_data"),
        order_id=order_id, file_name="现场照片.png", content=PNG)
    at = login("county2_data")
    at.query_params["order"] = "DB202600002"
    open_page(at, "pages/lights/orders.py")
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert translate("lights.evidence.download", "zh_CN", name="现场照片.png", kb="1") in labels
    [button] = [b for b in at.get("download_button") if "现场照片" in b.proto.label]
    assert button.proto.help.startswith("沈河区市场监管局数据专员 上传于 ")  # by name, not login
    assert at.get("file_uploader")
    sup = open_page(login("prov_supervisor"), "pages/lights/orders.py")
    assert not sup.get("file_uploader")  # supervisors read evidence, they do not add it
