/**
 * The worker's readiness endpoint: GET /ready answers 200 while every worker of the process polls,
 * 503 while starting or draining after SIGTERM. The image's HEALTHCHECK and a Kubernetes
 * readinessProbe read it; the metrics endpoint cannot tell, it is up before the workers are.
 */
import http from 'node:http';

export function serveHealth(port: number, ready: () => boolean): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/ready') {
      res.writeHead(404).end();
      return;
    }
    const ok = ready();
    res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ready\n' : 'not ready\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}
