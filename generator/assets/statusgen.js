// Adds the reader's local time after each UTC time; the UTC text always stays.
document.addEventListener("DOMContentLoaded", function () {
  if (new Date().getTimezoneOffset() === 0) return;
  var format = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  document.querySelectorAll("time.sg-t[datetime]").forEach(function (node) {
    var when = new Date(node.getAttribute("datetime"));
    if (isNaN(when)) return;
    var local = document.createElement("span");
    local.className = "sg-local";
    local.textContent = "(" + format.format(when) + ")";
    node.after(" ", local);  // a space to break at between the UTC time and the local one
  });
});
