"""What a form's errors say to a person: each one with the label of its field, never the
field's name in the code ("Consent given on: This date is in the future.", not
"given_on: …")."""

from __future__ import annotations

from django import forms


def errors_in_words(form: forms.BaseForm) -> list[str]:
    """Each error of ``form``, after its field's label when it belongs to a field."""
    said = []
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        field = form.fields.get(name)
        said.append(f"{field.label}: {text}" if field is not None and field.label else text)
    return said
