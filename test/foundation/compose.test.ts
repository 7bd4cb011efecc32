import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { recordingSearchAttributes, searchAttributeTypeNames } from '../../src/contract/search-attributes';
import { parseCallbacksConfig } from '../../src/services/callbacks/config';
import { recordingDynamicConfig } from '../../scripts/lib/dev-server';

/** No Docker engine runs here, so docker-compose.yml is checked for consistency instead. */
const root = path.resolve(__dirname, '../..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Record<string, any>>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;

function dependsOn(svc: Record<string, any>): string[] {
  const d = svc.depends_on;
  return Array.isArray(d) ? d : Object.keys(d ?? {});
}

describe('docker-compose.yml', () => {
  it('describes the production-like stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['callbacks', 'emulator', 'grafana', 'postgresql', 'prometheus', 'temporal', 'temporal-admin-tools', 'temporal-ui', 'worker'].sort(),
    );
  });

  it('has Prometheus scrape the worker\'s metrics port with the alert rules, and Grafana load the dashboard from it', () => {
    const prom = parse(fs.readFileSync(path.join(root, 'deploy/prometheus/prometheus.yml'), 'utf8')) as { rule_files: string[]; scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }> };
    expect(prom.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets))).toContain(`worker:${services.worker.environment.METRICS_PORT}`);
    for (const f of prom.rule_files) expect(fs.existsSync(path.join(root, 'deploy/prometheus', f))).toBe(true);
    expect(services.prometheus.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
    const ds = parse(fs.readFileSync(path.join(root, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: Array<{ uid: string; url: string }> };
    expect(ds.datasources[0].url).toBe(`http://prometheus:${services.prometheus.ports[0].split(':')[1]}`);
    const dashboard = JSON.parse(fs.readFileSync(path.join(root, 'deploy/grafana/dashboards/recording-orchestrator.json'), 'utf8')) as { panels: Array<{ datasource?: { uid: string } }> };
    for (const p of dashboard.panels) if (p.datasource) expect(p.datasource.uid).toBe(ds.datasources[0].uid);
    expect(services.grafana.volumes).toEqual(expect.arrayContaining(['./deploy/grafana/provisioning:/etc/grafana/provisioning:ro', './deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro']));
  });

  it('only depends on services and volumes it defines', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const dep of dependsOn(svc)) expect({ name, dep, known: dep in services }).toEqual({ name, dep, known: true });
      for (const v of (svc.volumes ?? []) as string[]) {
        const source = v.split(':')[0];
        if (source.startsWith('.')) expect(fs.existsSync(path.join(root, source))).toBe(true);
        else expect(Object.keys(compose.volumes ?? {})).toContain(source);
      }
    }
  });

  it('publishes each host port once and points every client at the frontend the server exposes', () => {
    const hostPorts = Object.values(services).flatMap((s) => ((s.ports ?? []) as string[]).map((p) => p.split(':')[0]));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    expect(services.temporal.ports).toContain('7233:7233');
    for (const name of ['temporal-ui', 'worker', 'temporal-admin-tools', 'callbacks']) {
      expect(services[name].environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
    expect(services.worker.environment.METRICS_PORT).toBe('9464');
    expect(services.worker.ports).toContain('9464:9464');
  });

  it('registers exactly the search attributes the workflow upserts', () => {
    const command = (services['temporal-admin-tools'].command as string[]).join(' ');
    const registered = [...command.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => `${m[1]}=${m[2]}`);
    const expected = recordingSearchAttributes.map((sa) => `${sa.name}=${searchAttributeTypeNames[sa.type].cli}`);
    expect(registered.sort()).toEqual(expected.sort());
  });

  it('gives the per-App-ID activity queues one partition and the priority-aware matcher, as the dev server does', () => {
    const dc = parse(fs.readFileSync(path.join(root, 'config/temporal-dynamicconfig.yaml'), 'utf8')) as Record<string, Array<{ value: unknown }>>;
    expect(Object.keys(recordingDynamicConfig).sort()).toEqual(Object.keys(dc).sort());
    for (const [key, value] of Object.entries(recordingDynamicConfig)) expect(dc[key]).toEqual([{ value }]);
    expect(services.temporal.environment.DYNAMIC_CONFIG_FILE_PATH).toBe('config/dynamicconfig/recording.yaml');
  });

  it('runs the callback receiver from this repository with a config that validates', () => {
    const svc = services.callbacks;
    expect(svc.build).toBe('.');
    expect(svc.command).toEqual(['npx', 'tsx', 'src/services/callbacks/main.ts']);
    expect(fs.existsSync(path.join(root, svc.command[2]))).toBe(true);
    const mount = (svc.volumes as string[]).find((v) => v.endsWith(`:${svc.environment.CALLBACKS_CONFIG}:ro`))!;
    // Compose's ${VAR:-default} values, as the container would see them.
    const env = Object.fromEntries(Object.entries(svc.environment as Record<string, string>).map(([k, v]) => [k, String(v).replace(/^\$\{\w+:-(.*)\}$/, '$1')]));
    const config = parseCallbacksConfig(parse(fs.readFileSync(path.join(root, mount.split(':')[0]), 'utf8')), env);
    expect(svc.ports).toContain(`${config.port}:${config.port}`);
    expect(config.agora?.secrets.default).toBe('emulator-ncs-secret');
    expect(Object.keys(config.trtc?.apps ?? {})).toEqual(['1400188366']);
    expect(dependsOn(svc)).toContain('temporal-admin-tools');
  });

  it('builds the worker from this repository', () => {
    expect(services.worker.build).toBe('.');
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/COPY src \.\/src/);
    expect(dockerfile).toMatch(/CMD \["node", "dist\/worker\.js"\]/);
    // The emulator runs from the same image's compiled code.
    expect(services.emulator.command.slice(0, 2)).toEqual(['node', 'dist/emulator/main.js']);
    expect(fs.existsSync(path.join(root, 'src/emulator/main.ts'))).toBe(true);
    // Long enough for the worker's bounded drain (SHUTDOWN_GRACE_MS 10 s + 5 s).
    expect(services.worker.stop_grace_period).toBe('20s');
    expect(services.worker.environment.HEALTH_PORT).toBe('8081');
  });
});

describe('docker-compose.yml and the native stack (npm run stack) agree', () => {
  // Loaded lazily: the stack module pulls in the worker SDK.
  const stack = () => require('../../scripts/lib/stack') as typeof import('../../scripts/lib/stack');
  const versions = JSON.parse(fs.readFileSync(path.join(root, 'config/versions.json'), 'utf8')) as Record<string, string>;

  it('runs the versions of config/versions.json', () => {
    expect(services.postgresql.image).toBe(`postgres:${versions.postgres}`);
    expect(services.temporal.image).toBe(`temporalio/auto-setup:${versions.temporalServer}`);
    expect(services['temporal-admin-tools'].image).toBe(`temporalio/admin-tools:${versions.temporalAdminTools}`);
    expect(versions.temporalAdminTools.startsWith(`${versions.temporalServer}-`)).toBe(true);
    expect(services['temporal-ui'].image).toBe(`temporalio/ui:${versions.temporalUi}`);
    expect(stack().versions).toEqual(versions);
    // The admin image's CLI is the one scripts/ensure-temporal-cli.sh builds for development.
    const cli = /TEMPORAL_CLI_VERSION:-v([\d.]+)/.exec(fs.readFileSync(path.join(root, 'scripts/ensure-temporal-cli.sh'), 'utf8'))?.[1];
    expect(versions.temporalAdminTools.endsWith(`-cli-${cli}`)).toBe(true);
  });

  it('loads the dynamic config file compose mounts, with the same shard count and persistence plugin', () => {
    const mount = (services.temporal.volumes as string[]).find((v) => v.endsWith(':/etc/temporal/config/dynamicconfig/recording.yaml:ro'))!;
    const cfg = stack().serviceConfig('history', stack().defaultPorts()) as any;
    expect(cfg.dynamicConfigClient.filepath).toBe(path.join(root, mount.split(':')[0]));
    expect(String(cfg.persistence.numHistoryShards)).toBe(services.temporal.environment.NUM_HISTORY_SHARDS);
    expect(cfg.persistence.datastores['postgres-default'].sql.pluginName).toBe(services.temporal.environment.DB);
  });

  it('moves every port of the stack off the dev server and compose defaults', () => {
    const p = stack().defaultPorts();
    const all = [p.postgres, ...Object.values(p.grpc), ...Object.values(p.membership), ...Object.values(p.metrics), p.frontendHttp, p.ui, p.emulator, p.emulator + 1, p.workerMetrics];
    expect(new Set(all).size).toBe(all.length);
    for (const taken of [5432, 7233, 7234, 7235, 7239, 7243, 6933, 6934, 6935, 6939, 8233, 8080, 9464, 8000]) expect(all).not.toContain(taken);
  });
});
