"""Look-ups in the national registries (population, business registration) that
prefill applications: one client per registry behind a small interface
(``providers``), audited and briefly cached look-ups (``services``), and their use in
the citizen portal (``portal``) and at the desk (``desk``). docs/registries.md."""
