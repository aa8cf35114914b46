// A button marked data-print prints the page (its print style sheet: site.css, @media print).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
