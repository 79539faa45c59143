// File inputs: the chosen names in Chinese beside our own 选择文件 button (the browser's own
// button speaks the browser's language).
document.querySelectorAll("label.file input[type=file]").forEach(function (input) {
  input.addEventListener("change", function () {
    var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
    input.parentNode.querySelector(".names").textContent =
      names.length ? names.join("、") : "未选择文件";
  });
});

// The build page: follow a running build by polling its state; reload once it is over,
// so the page shows the server-rendered summary. No framework, no external script.
(function () {
  var box = document.getElementById("job");
  if (!box || box.dataset.over === "yes") return;
  var id = box.dataset.job;
  var bar = document.getElementById("bar");
  var text = document.getElementById("progress-text");
  var list = document.getElementById("progress-list");
  var state = document.getElementById("job-state");
  function tick() {
    fetch("/api/build/" + id, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.error) { text.textContent = job.error; return; }
        var done = job.finished_regions.length;
        if (job.total) {
          bar.style.width = Math.max(5, Math.round(100 * done / job.total)) + "%";
          text.textContent = "已完成 " + done + "/" + job.total;
        }
        list.innerHTML = "";
        job.finished_regions.forEach(function (e) {
          var li = document.createElement("li");
          li.textContent = e.region + (e.error ? " 失败" : " 完成");
          list.appendChild(li);
        });
        state.textContent = job.state;
        if (job.over) { window.location.replace("/build?job=" + id); return; }
        setTimeout(tick, 700);
      }).catch(function () { setTimeout(tick, 1500); });
  }
  setTimeout(tick, 500);
})();
