// "Add a party" on the intake form: copy the empty party row from its <template>,
// number it, and count it in the formset's TOTAL_FORMS. Without JavaScript the
// button stays hidden and the form keeps its two rows.
(function () {
  function enableButtons() {
    document.querySelectorAll("[data-formset-add]").forEach(function (button) {
      button.hidden = false;
    });
  }
  document.addEventListener("DOMContentLoaded", enableButtons);
  document.addEventListener("turbo:load", enableButtons);
  document.addEventListener("turbo:render", enableButtons);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) return;
    event.preventDefault();
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.querySelector('[data-formset-template="' + prefix + '"]');
    var container = document.querySelector('[data-formset="' + prefix + '"]');
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    var wrapper = document.createElement("div");
    wrapper.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = wrapper.firstElementChild;
    var number = row.querySelector("[data-formset-number]");
    if (number) number.textContent = String(index + 1);
    container.appendChild(row);
    total.value = String(index + 1);
  });
})();
