"""Injection payloads of the hostile sweep (issue 17): SQL, Markdown/HTML, spreadsheet formulas,
Unicode controls and path traversal. Each is at most 64 characters (it fits the short text
columns), unique, and has no surrounding blanks (the pipeline trims cells on purpose) and
no CR (a CSV's lone CR is a line break on purpose) and no C0 control other than TAB and LF
(refused on purpose)."""

from __future__ import annotations

SQL = [
    "' OR '1'='1", "' OR 1=1 --", "admin'--", "\" OR \"\"=\"", "1; DELETE FROM \"user\"",
    "'; DROP TABLE audit_event; --", "'); UPDATE \"user\" SET roles='admin'; --",
    "1' UNION SELECT password_hash FROM \"user\" --", "%' AND 1=0 UNION SELECT NULL --",
    "'; SELECT pg_sleep(10); --", "' || pg_sleep(10) || '", "1 AND SLEEP(10)",
    "'; COPY (SELECT 1) TO PROGRAM 'id'; --", "$$; DROP TABLE power; $$",
    "' AND extractvalue(1,concat(0x7e,version())) --", "'/**/OR/**/1=1", "\\'; --",
    "'; ATTACH DATABASE '/tmp/x.db' AS x; --", "'; PRAGMA writable_schema=1; --",
    "1e309", "NULL", "null", "None", "-- comment only", "/* open comment",
    "' ; VACUUM INTO '/tmp/copy.db' --", "0x27204f5220313d31", "';EXEC xp_cmdshell 'dir';--",
]
MARKUP = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[点我](javascript:alert(1))",
    "![x](http://127.0.0.1:9/x.png)", "**粗体** _斜体_", "# 一级标题", "`code` ```fence```",
    "<iframe src=\"//127.0.0.1:9\"></iframe>", "<svg onload=alert(1)>", ":red[红字] :blue[蓝]",
    "$\\LaTeX$ $$x^2$$", "<a href='javascript:alert(1)'>x</a>", "&lt;b&gt;实体&lt;/b&gt;",
    "{{7*7}}", "${7*7}", "<!-- 注释 -->", "<style>*{display:none}</style>",
    "javascript:alert(document.cookie)", "http://127.0.0.1:9/?q=<x>", "~~删除线~~",
    "> 引用一行", "- 列表 * 项", "| a | b |\n|---|---|", ":material/warning: 图标",
    "\\*转义\\*", "<details open ontoggle=alert(1)>", "[x]: http://127.0.0.1:9",
    "<base href=//127.0.0.1:9/>", "<meta http-equiv=refresh content=0>", "data:text/html,<b>x</b>",
]
FORMULA = [
    "=1+1", "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(1)",
    "=HYPERLINK(\"http://127.0.0.1:9\",\"点\")", "=WEBSERVICE(\"http://127.0.0.1:9\")",
    "=IMPORTXML(\"http://127.0.0.1:9\",\"//a\")", "=DDE(\"cmd\";\"/C calc\";\"!A0\")",
    "'=1+1", "＝1+1", "=1+1\t=2", "+cmd|' /C notepad'!'A1'", "@SUM(1+1)*cmd|' /C calc'!A0",
    "=INDIRECT(\"A1\")", "=CONCAT(\"a\",\"b\")", "%0A=1+1", "=0x41",
    "-1+cmd|' /C calc'!A0", "=GOOGLEFINANCE(\"X\")",
]
UNICODE = [
    "\u202egnp.exe", "零宽\u200b空格", "连\u200d接", "\ufeff带BOM", "行\u2028分隔", "段\u2029分隔",
    "软\u00ad连字符", "词\u2060连接", "阿拉伯\u061c标记", "e\u0301组合", "𠀀𪚥扩展字", "表情😀👍",
    "Ａ全角ＡＢＣ", "中\u3000间全角空格", "\u200e左到右", "\u2066隔离\u2069", "不\u00a0断空格",
    "行一\n行二", "制表\t符", "\u180e蒙古", "ﷺ合字", "Ⅻ罗马数字", "ß→SS", "İstanbul",
    "\u0000"[:0] + "零字符不含NUL", "\U000e0041标签字符",
]
PATHS = [
    "../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", "file:///etc/passwd",
    "%2e%2e%2f%2e%2e%2f", "....//....//", "C:\\Windows\\System32\\cmd.exe", "\\\\server\\share",
    "~/.ssh/id_rsa", "data/installation.key", "/proc/self/environ", "..%c0%af..%c0%af", "CON",
    "NUL.txt", "static/../../streamlit_app.py", "/_stcore/health", "?embed=true&x=<y>",
]
PAYLOADS: list[str] = SQL + MARKUP + FORMULA + UNICODE + PATHS
assert len(PAYLOADS) == len(set(PAYLOADS)) >= 110
assert all(p == p.strip() and "\r" not in p and len(p) <= 64 for p in PAYLOADS)
