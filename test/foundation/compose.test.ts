import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { recordingSearchAttributes } from '../../src/contract/search-attributes';

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
      ['emulator', 'postgresql', 'temporal', 'temporal-admin-tools', 'temporal-ui', 'worker'].sort(),
    );
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
    for (const name of ['temporal-ui', 'worker', 'temporal-admin-tools']) {
      expect(services[name].environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
    expect(services.worker.environment.METRICS_PORT).toBe('9464');
    expect(services.worker.ports).toContain('9464:9464');
  });

  it('registers exactly the search attributes the workflow upserts', () => {
    const command = (services['temporal-admin-tools'].command as string[]).join(' ');
    const registered = [...command.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => `${m[1]}=${m[2].toUpperCase()}`);
    const expected = recordingSearchAttributes.map((sa) => `${sa.name}=${sa.type}`);
    expect(registered.sort()).toEqual(expected.sort());
  });

  it('gives the per-App-ID activity queues one partition, so the QPS budget is exact', () => {
    const dc = parse(fs.readFileSync(path.join(root, 'config/temporal-dynamicconfig.yaml'), 'utf8')) as Record<string, Array<{ value: number }>>;
    for (const key of ['matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions']) {
      expect(dc[key]).toEqual([{ value: 1 }]);
    }
    expect(services.temporal.environment.DYNAMIC_CONFIG_FILE_PATH).toBe('config/dynamicconfig/recording.yaml');
  });

  it('builds the worker from this repository', () => {
    expect(services.worker.build).toBe('.');
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/COPY src \.\/src/);
    expect(dockerfile).toMatch(/src\/worker\.ts/);
  });
});
