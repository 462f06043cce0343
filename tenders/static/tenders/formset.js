/* "Add" buttons of formsets add a row in the page. A formset marked data-formset holds the
   management form, its rows in [data-formset-rows], the empty form in a <template
   data-formset-template> (with __prefix__ where the row's index goes and __number__ where its
   number is shown) and a submit button [data-formset-add]. The script copies the template,
   counts the row in TOTAL_FORMS, moves the focus into the new row and disables the button at
   MAX_NUM_FORMS. Without this script the button submits the form, and the server shows it
   again, as typed, with one more row. */
(function () {
  function managementInput(formset, name) {
    return formset.querySelector('input[name$="-' + name + '"]');
  }

  function refreshButton(formset, button) {
    const total = managementInput(formset, "TOTAL_FORMS");
    const max = managementInput(formset, "MAX_NUM_FORMS");
    button.disabled = Boolean(max && max.value && Number(total.value) >= Number(max.value));
  }

  function addRow(formset, button) {
    const total = managementInput(formset, "TOTAL_FORMS");
    const index = Number(total.value);
    const template = formset.querySelector("template[data-formset-template]");
    const html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const row = holder.firstElementChild;
    formset.querySelector("[data-formset-rows]").append(row);
    total.value = String(index + 1);
    refreshButton(formset, button);
    const field = row.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus();
  }

  function enhance(formset) {
    const button = formset.querySelector("[data-formset-add]");
    if (!button || button.dataset.enhanced) return;
    button.dataset.enhanced = "true";
    // A plain button: Enter in a field saves the form instead of adding a row.
    button.type = "button";
    button.addEventListener("click", function () { addRow(formset, button); });
    refreshButton(formset, button);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-formset]").forEach(enhance);
  });
})();
