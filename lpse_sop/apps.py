from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project's own wiring that belongs to no one app: how database connections are opened."""

    name = "lpse_sop"
    verbose_name = "LPSE SOP"

    def ready(self) -> None:
        from lpse_sop import postgres  # noqa: F401 - connects its connection_created receiver
