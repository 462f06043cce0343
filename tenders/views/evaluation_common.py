"""What the evaluation and award pages share: turning refusals into form errors or messages."""

from django.contrib import messages


def error_to_form(form, error):
    """Show a refusal next to its field when the form has that field, else above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def error_to_messages(request, error):
    messages.error(request, error.message)
