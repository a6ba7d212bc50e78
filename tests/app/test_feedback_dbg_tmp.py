from tests.app.test_feedback_app import *  # noqa

def test_dbg(seeded):
    at = open_page(login("county_data"), "pages/feedback/tickets.py")
    ticket = planted(seeded, "FB-R1")
    at = open_page(at, "pages/feedback/ticket.py")
    at.text_input(key="fbd_no").input(ticket.ticket_no).run()
    at.radio(key="fbd_action").set_value("reply").run()
    print([ (b.label, b.key) for b in at.button])
    at.text_area(key="fbd_note").input("已责令商家退款并约谈负责人。").run()
    at.button[-1].click().run()
    print("ERR", texts(at.error), texts(at.success), [w.value for w in at.warning], at.exception)
    print(at.text_input(key="fbd_no").value, at.query_params)
