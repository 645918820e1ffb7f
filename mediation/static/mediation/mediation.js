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

// The handle step: show only the fields of the chosen next step (record the outcome,
// escalate, summon departments, hand to a leader). Without JavaScript every field shows.
(function () {
  var STEP_FIELDS = {
    outcome: ["outcome", "summary", "reasons", "other_routes"],
    escalate: ["escalate_reason"],
    joint: ["departments", "report_in_by", "joint_reason"],
    leader: ["leader"],
  };

  // The field's outermost wrapper that does not also hold the step's radios.
  function box(form, name) {
    var element = form.querySelector('[name="' + name + '"]');
    while (element && element.parentElement && !element.parentElement.querySelector('input[name="step"]')) {
      element = element.parentElement;
    }
    return element;
  }

  function sync(form) {
    var checked = form.querySelector('input[name="step"]:checked');
    if (!checked) return;
    Object.keys(STEP_FIELDS).forEach(function (step) {
      STEP_FIELDS[step].forEach(function (name) {
        var cell = box(form, name);
        if (cell) cell.hidden = step !== checked.value;
      });
    });
  }

  function syncAll() {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector('input[name="step"]')) sync(form);
    });
  }
  document.addEventListener("DOMContentLoaded", syncAll);
  document.addEventListener("turbo:load", syncAll);
  document.addEventListener("turbo:render", syncAll);
  document.addEventListener("change", function (event) {
    if (event.target.name === "step" && event.target.form) sync(event.target.form);
  });
})();
