"""Start-up shared by the app, the CLI, the tests and the benches: fill every registry from the
systems manifest (`systems.py`). Idempotent: the second call does nothing.

Registries filled here: light rules (metrics.lights.registry), rule-input loaders
(services.lights.inputs), upload kinds (data_checks.kinds), demo seed steps
(services.platform.demo) and after-import hooks (services.platform.ingest). Navigation, the
cockpit's sections, the CLI's commands, S3's score metrics and the HTTP routes read the
manifest directly (ui.platform.navigation, ui.lights.cockpit, manage.py, services.performance,
streamlit_app.py). No layer imports this module (import contract "composition-root")."""

from __future__ import annotations

import threading

from core.manifest import resolve
from systems import SYSTEMS

_lock = threading.Lock()
_booted = False


def boot() -> None:
    global _booted
    if _booted:
        return
    with _lock:
        if _booted:
            return
        import models  # noqa: F401  (every table on SQLModel.metadata)
        from data_checks.kinds import register as register_kind
        from metrics.lights.registry import register as register_rule
        from services.lights import touch
        from services.lights.groups import register_groups
        from services.lights.inputs import register_loaders
        from services.platform.demo import SEED_STEPS
        from services.platform.ingest import IMPORT_HOOKS

        for system in SYSTEMS:
            if system.kinds:
                for kind in resolve(system.kinds).KINDS:
                    register_kind(kind)
            if system.rules:
                for rule in resolve(system.rules).RULES:
                    register_rule(rule)
            if system.loaders:
                register_loaders(resolve(system.loaders).LOADERS)
                register_groups(getattr(resolve(system.loaders), "GROUPS", {}))
            if system.seed:
                SEED_STEPS.append((system.seed_name or system.key, resolve(system.seed)))
            for hook in system.after_import:
                IMPORT_HOOKS.append(resolve(hook))
        touch.install()  # form saves ask for their lights (services/lights/touch.py)
        _booted = True
