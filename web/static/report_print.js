/* The report page's print button. */
document.getElementById('r-print').addEventListener('click', function () { window.print(); });
