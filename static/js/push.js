// "Turn on notifications on this device": registers the service worker, asks the browser's
// permission, subscribes with the server's VAPID key and posts the subscription (with the CSRF
// header). Without JavaScript or Web Push the section's own sentence says so and stays.
(function () {
  "use strict";
  var root = document.querySelector("[data-push]");
  if (!root) { return; }
  var message = root.querySelector("[data-push-message]");
  var button = root.querySelector("[data-push-on]");

  function say(text) { message.textContent = text; message.hidden = false; }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(root.dataset.unsupported);
    return;
  }
  navigator.serviceWorker.register(root.dataset.worker, { scope: "/" }).catch(function () {
    say(root.dataset.failed);
  });
  message.hidden = true;
  button.hidden = false;

  function post(subscription) {
    return fetch(root.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
      body: JSON.stringify(subscription)
    }).then(function (response) {
      if (response.ok) { window.location.reload(); return null; }
      return response.json().then(function (answer) { say(answer.error || root.dataset.failed); },
        function () { say(root.dataset.failed); });
    });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    Promise.resolve(Notification.requestPermission()).then(function (permission) {
      if (permission !== "granted") { say(root.dataset.denied); return null; }
      return navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(root.dataset.key)
        });
      }).then(post);
    }).catch(function () { say(root.dataset.failed); }).then(function () { button.disabled = false; });
  });
}());
