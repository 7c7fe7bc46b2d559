// Cohort's service worker: shows a push notification and, on a click, focuses a tab already
// on its page or opens one. Served at /service-worker.js so that its scope is the whole site.
// When the browser replaces a subscription, it reports the new one so the device keeps
// receiving. It handles no fetches: pages load from the network as they always do.
"use strict";

self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try { data = event.data.json(); } catch (error) { data = { body: event.data.text() }; }
  }
  event.waitUntil(self.registration.showNotification(data.title || "Cohort", {
    body: data.body || "",
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/icon-192.png",
    tag: data.tag || undefined,
    data: { url: data.url || "/" }
  }));
});

// Only pages of this site open: a link's path is kept, its host never followed.
function pageOf(link) {
  var url;
  try { url = new URL(link || "/", self.location.origin); } catch (error) { url = new URL("/", self.location.origin); }
  return new URL(url.pathname + url.search + url.hash, self.location.origin).href;
}

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = pageOf(event.notification.data && event.notification.data.url);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i += 1) {
      if (windows[i].url === target && "focus" in windows[i]) { return windows[i].focus(); }
    }
    return self.clients.openWindow(target);
  }));
});

// The browser replaced this device's subscription (keys rotated, or the push service moved
// it): subscribe again with the same options if it did not already, and tell the server,
// proving the device is the one it knew by the old subscription's secret.
function asJSON(subscription) {
  return subscription && subscription.toJSON ? subscription.toJSON() : null;
}

self.addEventListener("pushsubscriptionchange", function (event) {
  var old = event.oldSubscription;
  if (!old) { return; }  // nothing to prove the device by: the member turns it on again
  var renewed = event.newSubscription
    ? Promise.resolve(event.newSubscription)
    : self.registration.pushManager.subscribe(old.options);
  event.waitUntil(renewed.then(function (subscription) {
    return fetch("/service-worker/renew", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ old: asJSON(old), new: asJSON(subscription) })
    });
  }));
});
