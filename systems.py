"""The systems manifest: every system of the platform, declared once.

A system's pages (menu order), light rules, rule-input loaders, upload kinds, demo seed step,
after-import hooks and cockpit section are named here; `startup.boot()` fills every registry
from this list, for the app and the CLI alike. Adding a system is its folders in each layer plus
one entry here (see the README, "Adding a system"). Order matters: the platform first (its
seed builds the organisation everything else hangs on), the lights last (its seed runs every
system's rules over the data seeded before it)."""

from __future__ import annotations

from core.manifest import PageSpec, System

LEAD = frozenset({"leader", "supervisor"})
ADMIN = frozenset({"admin"})
DATA = frozenset({"admin", "data_officer"})
WATCHERS = frozenset({"leader", "supervisor", "data_officer"})


def _p(path: str, url: str, title: str, icon: str, group: str, roles: frozenset[str] | None = None,
       public: bool = False) -> PageSpec:
    return PageSpec(f"pages/{path}.py", url, title, icon, group, public=public,
                    **({"roles": roles} if roles is not None else {}))


PLATFORM = System(
    key="platform", code="", i18n_area="core",
    pages=(
        _p("platform/home", "home", "nav.home", ":material/dashboard:", "nav.group_general"),
        _p("platform/org_browser", "org_browser", "nav.org_browser", ":material/account_tree:",
           "nav.group_org"),
        _p("platform/org_admin", "org_admin", "nav.org_admin", ":material/domain_add:",
           "nav.group_admin", ADMIN),
        _p("platform/users_admin", "users_admin", "nav.users_admin", ":material/manage_accounts:",
           "nav.group_admin", ADMIN),
        _p("platform/audit_log", "audit_log", "nav.audit_log", ":material/verified_user:",
           "nav.group_admin", ADMIN),
        _p("platform/work_calendar", "work_calendar", "calendar.nav", ":material/calendar_month:",
           "nav.group_admin", ADMIN),
        _p("platform/account", "account", "nav.account", ":material/key:", "nav.group_general"),
        _p("platform/data_upload", "data_upload", "ingest.upload_title", ":material/upload_file:",
           "ingest.group_data", DATA),
        _p("platform/data_entry", "data_entry", "ingest.entry_title", ":material/edit_note:",
           "ingest.group_data", DATA),
        _p("platform/import_history", "import_history", "ingest.history_title",
           ":material/history:", "ingest.group_data", DATA),
    ),
    kinds="data_checks.kinds.platform",
    seed="services.platform.seed:seed_org", seed_name="org",
    routes="services.platform.login_routes",  # the HttpOnly login cookie (/session/…)
)

LIGHTS = System(
    key="lights", code="LC", i18n_area="lights",
    pages=(
        _p("lights/cockpit", "cockpit", "lights.nav.cockpit", ":material/monitoring:",
           "nav.group_general", LEAD),
        _p("lights/centre", "lights_centre", "lights.nav.centre", ":material/e911_emergency:",
           "lights.group", LEAD),
        _p("lights/orders", "supervision_orders", "lights.nav.orders",
           ":material/assignment_late:", "lights.group", WATCHERS),
        _p("lights/rule_settings", "rule_settings", "lights.nav.rule_settings", ":material/tune:",
           "nav.group_admin", ADMIN),
    ),
    rules="metrics.lights.rules",
    loaders="services.lights.rule_inputs",
    seed="services.lights.seed:seed_lights",
    after_import=("services.lights.queue:sync_after_import",),
)

ESUPERVISION = System(
    key="esupervision", code="S4", i18n_area="esupervision",
    pages=(
        _p("esupervision/cases", "supervision_cases", "esupervision.nav.cases",
           ":material/pending_actions:", "esupervision.group", WATCHERS),
        _p("esupervision/stats", "supervision_stats", "esupervision.nav.stats",
           ":material/insights:", "esupervision.group", WATCHERS),
        _p("esupervision/funds", "supervision_funds", "esupervision.nav.funds",
           ":material/savings:", "esupervision.group", WATCHERS),
    ),
    rules="metrics.esupervision.rules",
    loaders="services.esupervision.rule_inputs",
    kinds="data_checks.kinds.esupervision",
    seed="services.esupervision.seed:seed_supervision", seed_name="supervision",
    cockpit="ui.esupervision.cockpit:esupervision_section",
    subject_links=(("approval_case", "supervision_cases", "case"),
                   ("special_fund", "supervision_funds", "fund")),
    score_metrics="services.esupervision.scores",
)

POWER = System(
    key="power", code="S1", i18n_area="power",
    pages=(
        _p("power/catalog", "power_catalog", "power.nav.catalog", ":material/list_alt:",
           "power.group"),
        _p("power/detail", "power_detail", "power.nav.detail", ":material/account_tree:",
           "power.group"),
        _p("power/risks", "power_risks", "power.nav.risks", ":material/gpp_maybe:", "power.group"),
        _p("power/inspections", "power_inspections", "power.nav.inspections",
           ":material/fact_check:", "power.group"),
        _p("power/coverage", "power_coverage", "power.nav.coverage", ":material/donut_large:",
           "power.group", frozenset({"admin", "leader", "supervisor", "evaluator"})),
        _p("power/public", "public_powers", "power.nav.public", ":material/public:",
           "power.group", public=True),
    ),
    rules="metrics.power.rules",
    loaders="services.power.rule_inputs",
    kinds="data_checks.kinds.power",
    seed="services.power.seed:seed_power",
    score_metrics="services.power.scores",
)

TR_STAFF = frozenset({"admin", "leader", "supervisor", "data_officer", "evaluator"})

TRADING = System(
    key="trading", code="S2", i18n_area="trading",
    pages=(
        _p("trading/register", "trading_register", "trading.nav.register", ":material/gavel:",
           "trading.group", TR_STAFF),
        _p("trading/process", "trading_process", "trading.nav.process", ":material/timeline:",
           "trading.group", TR_STAFF),
        _p("trading/dashboard", "trading_dashboard", "trading.nav.dashboard", ":material/flag:",
           "trading.group", frozenset({"admin", "leader", "supervisor", "evaluator"})),
        _p("trading/party", "trading_party", "trading.nav.party", ":material/business:",
           "trading.group", TR_STAFF),
        _p("trading/public", "public_trading", "trading.nav.public", ":material/campaign:",
           "trading.group", public=True),
    ),
    rules="metrics.trading.rules",
    loaders="services.trading.rule_inputs",
    kinds="data_checks.kinds.trading",
    seed="services.trading.seed:seed_trading",
    cockpit="ui.trading.cockpit:trading_section",
    commands="services.trading.commands:add_commands",
    score_metrics="services.trading.scores",
    subject_links=(("trading_process", "trading_process", "ocid"),
                   ("trading_party", "trading_party", "uscc"),
                   ("trading_buyer", "trading_register", "buyer_code")),
)

FB_STAFF = frozenset({"admin", "leader", "supervisor", "data_officer"})

FEEDBACK = System(
    key="feedback", code="S5", i18n_area="feedback",
    pages=(
        _p("feedback/tickets", "feedback_tickets", "feedback.nav.tickets", ":material/support_agent:",
           "feedback.group", FB_STAFF),
        _p("feedback/ticket", "feedback_ticket", "feedback.nav.ticket", ":material/assignment:",
           "feedback.group", FB_STAFF),
        _p("feedback/intake", "feedback_intake", "feedback.nav.intake", ":material/add_call:",
           "feedback.group", DATA),
        _p("feedback/dashboard", "feedback_dashboard", "feedback.nav.dashboard", ":material/insights:",
           "feedback.group", FB_STAFF | {"evaluator"}),
        _p("feedback/public_submit", "feedback_submit", "feedback.nav.public_submit",
           ":material/campaign:", "feedback.group", public=True),
        _p("feedback/public_status", "feedback_status", "feedback.nav.public_status",
           ":material/manage_search:", "feedback.group", public=True),
        _p("feedback/public_stats", "feedback_stats", "feedback.nav.public_stats",
           ":material/bar_chart:", "feedback.group", public=True),
    ),
    rules="metrics.feedback.rules",
    loaders="services.feedback.rule_inputs",
    kinds="data_checks.kinds.feedback",
    seed="services.feedback.seed:seed_feedback",
    cockpit="ui.feedback.cockpit:feedback_section",
    score_metrics="services.feedback.scores",
    routes="services.feedback.open311",
    commands="services.feedback.commands:add_commands",
    subject_links=(("ticket", "feedback_ticket", "no"),),
)

SCORERS = frozenset({"admin", "evaluator"})
PERF_READERS = frozenset({"admin", "leader", "evaluator", "supervisor"})

PERFORMANCE = System(
    key="performance", code="S3", i18n_area="performance",
    pages=(
        _p("performance/ranking", "perf_ranking", "performance.nav.ranking",
           ":material/leaderboard:", "performance.group", PERF_READERS),
        _p("performance/card", "perf_card", "performance.nav.card", ":material/scoreboard:",
           "performance.group"),
        _p("performance/workbench", "perf_workbench", "performance.nav.workbench",
           ":material/rate_review:", "performance.group", SCORERS),
        _p("performance/indicators", "perf_indicators", "performance.nav.indicators",
           ":material/account_tree:", "performance.group", SCORERS),
    ),
    kinds="data_checks.kinds.performance",
    seed="services.performance.seed:seed_performance",
    cockpit="ui.performance.cockpit:performance_section",
    commands="services.performance.commands:add_commands",
)

# Seed (and registration) order: the platform, then the systems in dependency order (S4's cases
# need S1's powers), then the lights (its seed runs every rule over what was seeded before it),
# then performance (its seed scores what the lights found). Menu order: the pages above,
# system by system.
SYSTEMS: tuple[System, ...] = (PLATFORM, POWER, ESUPERVISION, TRADING, FEEDBACK, LIGHTS,
                               PERFORMANCE)
MENU_ORDER: tuple[System, ...] = (PLATFORM, LIGHTS, ESUPERVISION, TRADING, FEEDBACK, POWER,
                                  PERFORMANCE)


def system(key: str) -> System:
    return next(s for s in SYSTEMS if s.key == key)


def all_pages() -> list[PageSpec]:
    return [p for s in MENU_ORDER for p in s.pages]
