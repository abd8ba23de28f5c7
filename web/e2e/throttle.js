// A slow link for the browser tests: a TCP proxy on a free loopback port in
// front of a server, which delivers the server's bytes at a set rate (one
// link shared by every connection, as a home line is) with a set round
// trip, and counts the bytes it delivered and the paths asked for. It sees
// what the browser really receives (headers and compressed bodies), from
// the page, its workers and its service worker alike, in any browser.
import net from 'node:net';

/**
 * throttle starts a proxy to target (an http://host:port/ URL) with the
 * link's rate in bits a second and its round trip in ms, and resolves to
 * {url, bytes(), requests, close}: bytes() is what has reached the browser
 * so far; requests lists {method, path, bytes} with the bytes that had
 * reached it when the request came (the same clock: no browser's).
 */
export function throttle(target, { bitsPerSecond = 10e6, rttMs = 40 } = {}) {
  const { hostname, port } = new URL(target);
  const rate = bitsPerSecond / 8 / 1000; // bytes a ms
  const half = rttMs / 2;
  let delivered = 0;
  let linkFree = 0; // when the link has sent everything queued so far
  const requests = [];
  const sockets = new Set();
  const server = net.createServer((client) => {
    const up = net.connect(Number(port), hostname);
    sockets.add(client);
    sockets.add(up);
    // Browser to server: the request lines logged, the bytes a half trip late.
    client.on('data', (d) => {
      for (const m of d.toString('latin1').matchAll(/^(GET|HEAD|POST|PUT) (\S+) HTTP\/1\.[01]\r$/gm)) {
        requests.push({ method: m[1], path: m[2], bytes: delivered });
      }
      setTimeout(() => up.write(d), half);
    });
    // Server to browser: through the one link, then a half trip.
    up.on('data', (d) => {
      const now = performance.now();
      const start = Math.max(now, linkFree);
      linkFree = start + d.length / rate;
      setTimeout(() => {
        if (!client.destroyed) client.write(d);
        delivered += d.length;
      }, linkFree - now + half);
      // The server waits while the link has more than a few ms queued, as
      // TCP's window would make it.
      if (linkFree - now > 50) {
        up.pause();
        setTimeout(() => up.resume(), linkFree - now - 25);
      }
    });
    const end = () => {
      setTimeout(() => { client.destroy(); up.destroy(); }, Math.max(0, linkFree - performance.now()) + half + 5);
    };
    client.on('close', () => { up.destroy(); sockets.delete(client); });
    up.on('close', () => { end(); sockets.delete(up); });
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        bytes: () => delivered,
        requests,
        close: () => new Promise((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}
