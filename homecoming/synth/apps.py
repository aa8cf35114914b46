from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "homecoming.synth"
    verbose_name = "Synthetic national programme"
