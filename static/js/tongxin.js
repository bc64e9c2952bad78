// Tongxin front-end behaviour. No inline scripts anywhere: the Content Security Policy forbids them.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.classList && el.classList.contains("tx-autosubmit")) el.form.submit();
});
// Forms and buttons with data-confirm ask before destructive actions.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
// Copy buttons (API tokens).
document.addEventListener("click", (event) => {
  const btn = event.target.closest("[data-copy]");
  if (!btn) return;
  const target = document.getElementById(btn.getAttribute("data-copy"));
  if (target && navigator.clipboard) navigator.clipboard.writeText(target.textContent.trim());
});
