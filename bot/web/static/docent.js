// Teacher pages: the print button (inline handlers are blocked by the Content-Security-Policy).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-afdrukken]")) window.print();
});
