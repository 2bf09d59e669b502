// Teacher pages: the print button (inline handlers are blocked by the Content-Security-Policy).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-afdrukken]")) window.print();
});
// LTI deep linking: post the signed answer back to the LMS at once (the button stays for no-JS).
document.querySelectorAll("form[data-automatisch]").forEach((form) => form.submit());
