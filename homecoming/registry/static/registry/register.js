// "Add a member" without a round trip: a copy of the empty row, numbered after the others.
// Without JavaScript the button posts the form and the page comes back with one more row.
(function () {
  "use strict";
  var button = document.getElementById("add-member");
  var template = document.getElementById("member-template");
  var total = document.getElementById("id_members-TOTAL_FORMS");
  var max = document.getElementById("id_members-MAX_NUM_FORMS");
  var rows = document.getElementById("member-rows");
  if (!button || !template || !total || !rows) return;
  button.addEventListener("click", function (event) {
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    event.preventDefault();
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    var row = rows.lastElementChild;
    row.querySelector("legend").textContent = button.dataset.legend.replace("%s", String(index + 1));
    total.value = String(index + 1);
    if (max && index + 1 >= parseInt(max.value, 10)) button.hidden = true;
    row.querySelector("select, input").focus();
  });
})();
