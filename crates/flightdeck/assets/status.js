// Keeps the status badges current without reloading the page: polls the server's cached
// product statuses and shows "Unknown" when the server cannot be reached.
(() => {
  "use strict";
  const list = document.querySelector("[data-status-url]");
  if (!list || !window.fetch) return;
  const url = list.getAttribute("data-status-url");
  const every = Math.max(1, Number(list.getAttribute("data-refresh-seconds")) || 5) * 1000;
  const labels = { up: "Up", down: "Down", unknown: "Unknown" };

  const show = (statuses) => {
    for (const badge of list.querySelectorAll(".status[data-product]")) {
      const status = labels[statuses[badge.dataset.product]] ? statuses[badge.dataset.product] : "unknown";
      if (badge.dataset.status === status) continue;
      badge.dataset.status = status;
      badge.querySelector(".status-text").textContent = labels[status];
    }
  };

  const refresh = async () => {
    if (!document.hidden) {
      try {
        const response = await fetch(url, { cache: "no-store", headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error("HTTP " + response.status);
        show(await response.json());
      } catch (error) {
        show({});
      }
    }
    setTimeout(refresh, every);
  };

  setTimeout(refresh, every);
})();
