// The navigation's timings and every resource the page loaded: an expression for page.evaluate.
(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const res = performance.getEntriesByType('resource').map((e) => ({
    url: e.name.replace(location.origin, ''),
    type: e.initiatorType,
    start: e.startTime,
    end: e.responseEnd,
    transfer: e.transferSize,
    encoded: e.encodedBodySize,
    decoded: e.decodedBodySize,
  }));
  return {
    responseEnd: nav ? nav.responseEnd : null,
    domInteractive: nav ? nav.domInteractive : null,
    domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
    load: nav ? nav.loadEventEnd : null,
    firstContentfulPaint: fcp ? fcp.startTime : null,
    resources: res,
  };
})();
