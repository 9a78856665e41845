// The deployment files under deploy/: the compose file parses with Docker Compose (no engine needed); every
// Kubernetes object of the base and of each overlay, as Kustomize renders it, is valid against the Kubernetes API
// schemas (kubernetes-models: ajv validators generated from the Kubernetes OpenAPI specification), and keeps the
// operational rules docs/deploy.md promises (probes, drain before stop, budgets, secrets by reference only, metrics
// reachable from the monitoring namespace only).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const k8s = join(root, 'deploy/k8s');
const OVERLAYS = ['staging', 'production'];
const SHUTDOWN_GRACE_SECONDS = 25; // SHUTDOWN_GRACE_MS default of the BFF kit, also set in the base ConfigMap
const COMPOSE_SECRETS = {
  POSTGRES_PASSWORD: 'compose-test-postgres-password',
  REPLICATION_PASSWORD: 'compose-test-replication-password',
  TOKEN_SECRET: 'compose-test-token-secret-0123456789abcdef',
  JWT_SECRET: 'compose-test-jwt-secret-0123456789abcdefgh',
};

// Parsed YAML is walked field by field in the assertions below.
// oxlint-disable-next-line typescript/no-explicit-any
type Json = any;
type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Json;
};

function has(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0;
}

/** `docker compose` (the CLI plugin) or, failing that, Debian's `docker-compose`; null when neither works. */
function composeCommand(): string[] | null {
  if (has('docker', ['compose', 'version'])) return ['docker', 'compose'];
  if (has('docker-compose', ['version'])) return ['docker-compose'];
  return null;
}

function parseYamlDocuments(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject)
    .filter((doc) => doc !== null);
}

/** Validates one object against its kind's schema; returns the validator's message or null when valid. */
async function schemaErrors(object: K8sObject): Promise<string | null> {
  const group = object.apiVersion.includes('/') ? object.apiVersion : `v1`;
  const models = (await import(`kubernetes-models/${group}`)) as Record<
    string,
    new (data: unknown) => { validate(): void }
  >;
  const Model = models[object.kind];
  if (!Model) return `no schema for ${object.apiVersion} ${object.kind}`;
  try {
    new Model(object).validate();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function render(dir: string): K8sObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseYamlDocuments(result.stdout);
}

const find = (objects: K8sObject[], kind: string, name: string) => {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  expect(object, `${kind} ${name}`).to.not.equal(undefined);
  return object as K8sObject;
};

describe('deployment files (deploy/)', () => {
  describe('deploy/compose.yaml', () => {
    const compose = composeCommand();
    before(function () {
      if (compose) return;
      const why = has('docker', ['--version'])
        ? 'the docker CLI is here but neither `docker compose` nor `docker-compose` is (apt-get install docker-compose)'
        : 'no docker CLI';
      if (process.env.REQUIRE_COMPOSE === '1') throw new Error(`REQUIRE_COMPOSE=1 but ${why}`);
      console.log(`      (${why}: the compose checks are skipped; set REQUIRE_COMPOSE=1 to make this an error)`);
      this.skip();
    });

    function config(env: Record<string, string>) {
      const [command, ...args] = compose as string[];
      return spawnSync(command as string, [...args, '-f', join(root, 'deploy/compose.yaml'), 'config'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      });
    }

    it('when the secrets are set, then Compose accepts the file: primary, replica, Redis, migration job, two of each BFF behind HAProxy, Prometheus', () => {
      const result = config(COMPOSE_SECRETS);
      expect(result.status, result.stderr).to.equal(0);
      const [normalized] = parseYamlDocuments(result.stdout) as unknown as [{ services: Record<string, Json> }];
      expect(Object.keys(normalized.services).sort()).to.deep.equal([
        'balancer',
        'migrate',
        'mobile-1',
        'mobile-2',
        'postgres-primary',
        'postgres-replica',
        'prometheus',
        'redis',
        'web-1',
        'web-2',
      ]);
      for (const name of ['web-1', 'web-2', 'mobile-1', 'mobile-2']) {
        const service = normalized.services[name];
        expect(service.depends_on.migrate.condition, name).to.equal('service_completed_successfully');
        expect(service.environment.REDIS_URL, name).to.match(/^redis:\/\/redis:6379/);
        expect(service.environment.DATABASE_REPLICA_URLS, name).to.contain('@postgres-replica:5432/');
        expect(service.environment.TOKEN_SECRET, name).to.equal(COMPOSE_SECRETS.TOKEN_SECRET);
        expect(service.ports, `${name} publishes nothing: only the balancer does`).to.equal(undefined);
      }
      expect(normalized.services['mobile-1'].command).to.include('bff-mobile/src/main.ts');
      expect(normalized.services.migrate.command).to.deep.equal(['node', 'deploy/migrate.ts']);
    });

    it('when a secret is missing, then Compose refuses the file and names it', () => {
      const { JWT_SECRET: _, ...withoutJwt } = COMPOSE_SECRETS;
      const result = config(withoutJwt);
      expect(result.status).to.not.equal(0);
      expect(result.stderr + result.stdout).to.contain('JWT_SECRET');
    });

    it("when Prometheus scrapes, then its targets are every BFF instance's metrics port", () => {
      const [prometheus] = parseYamlDocuments(readFileSync(join(root, 'deploy/prometheus.yml'), 'utf8')) as unknown as [
        { scrape_configs: Json[] },
      ];
      const targets = prometheus.scrape_configs.flatMap((job) =>
        job.static_configs.flatMap((c: { targets: string[] }) => c.targets),
      );
      expect(targets).to.include.members(['web-1:9464', 'web-2:9464', 'mobile-1:9465', 'mobile-2:9465']);
    });
  });

  describe('Kubernetes manifests (deploy/k8s)', () => {
    const kubectl = has('kubectl', ['version', '--client']);

    it('when validated against the Kubernetes API schemas, then a wrong type is caught (the validator can fail)', async () => {
      const broken = parseYamlDocuments(
        readFileSync(join(k8s, 'base/bff-web-deployment.yaml'), 'utf8'),
      )[0] as K8sObject;
      broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
      expect(await schemaErrors(broken)).to.match(/containerPort must be integer/);
    });

    it('when every file of the base is validated as written, then each object is valid', async () => {
      const files = readdirSync(join(k8s, 'base')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
      expect(files.length).to.be.greaterThan(10);
      for (const file of files) {
        for (const object of parseYamlDocuments(readFileSync(join(k8s, 'base', file), 'utf8'))) {
          expect(await schemaErrors(object), `${file}: ${object.kind} ${object.metadata.name}`).to.equal(null);
        }
      }
    });

    for (const overlay of ['base', ...OVERLAYS.map((o) => `overlays/${o}`)]) {
      describe(`kubectl kustomize deploy/k8s/${overlay}`, () => {
        let objects: K8sObject[] = [];
        before(function () {
          if (!kubectl) {
            if (process.env.REQUIRE_KUBECTL === '1') throw new Error('REQUIRE_KUBECTL=1 but kubectl is not installed');
            console.log('      (no kubectl: the rendered overlays are not checked; the base files are, above)');
            this.skip();
          }
          objects = render(join(k8s, overlay));
        });

        it('when rendered, then every object is valid against the Kubernetes API schemas', async () => {
          expect(objects.length).to.be.greaterThan(10);
          for (const object of objects) {
            expect(await schemaErrors(object), `${object.kind} ${object.metadata.name}`).to.equal(null);
          }
        });

        it('when rendered, then each BFF has a Deployment, Service, Ingress route, PodDisruptionBudget, autoscaler and NetworkPolicy that select it', () => {
          for (const bff of ['bff-web', 'bff-mobile']) {
            const deployment = find(objects, 'Deployment', bff);
            const podLabels = deployment.spec.template.metadata.labels;
            const selects = (selector: Record<string, string>) =>
              Object.entries(selector).every(([k, v]) => podLabels[k] === v);
            expect(selects(find(objects, 'Service', bff).spec.selector), `${bff} Service`).to.equal(true);
            expect(selects(find(objects, 'PodDisruptionBudget', bff).spec.selector.matchLabels), `${bff} PDB`).to.equal(
              true,
            );
            expect(
              selects(find(objects, 'NetworkPolicy', bff).spec.podSelector.matchLabels),
              `${bff} NetworkPolicy`,
            ).to.equal(true);
            const hpa = find(objects, 'HorizontalPodAutoscaler', bff);
            expect(hpa.spec.scaleTargetRef).to.include({ kind: 'Deployment', name: bff });
            expect(hpa.spec.minReplicas).to.be.at.least(2);
            expect(find(objects, 'PodDisruptionBudget', bff).spec.minAvailable).to.be.below(hpa.spec.minReplicas);
            const route = find(objects, 'Ingress', bff).spec.rules[0].http.paths[0].backend.service;
            expect(route.name).to.equal(bff);
            expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).to.equal(0);
          }
        });

        it('when a pod stops, then it drains first: probes on /readyz and /healthz, and a preStop pause that fits the grace period with the shutdown grace', () => {
          for (const bff of ['bff-web', 'bff-mobile']) {
            const pod = find(objects, 'Deployment', bff).spec.template.spec;
            const container = pod.containers[0];
            expect(container.readinessProbe.httpGet).to.deep.equal({ path: '/readyz', port: 'http' });
            expect(container.livenessProbe.httpGet).to.deep.equal({ path: '/healthz', port: 'http' });
            expect(container.startupProbe.httpGet).to.deep.equal({ path: '/healthz', port: 'http' });
            const [sleep, seconds] = container.lifecycle.preStop.exec.command;
            expect(sleep).to.equal('sleep');
            expect(Number(seconds) + SHUTDOWN_GRACE_SECONDS, bff).to.be.below(pod.terminationGracePeriodSeconds);
            expect(container.resources.requests).to.have.keys('cpu', 'memory');
            expect(container.resources.limits).to.have.key('memory');
            expect(container.securityContext).to.include({
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
            });
            expect(pod.securityContext.runAsNonRoot).to.equal(true);
          }
        });

        it('when rendered, then secrets are only referenced (no Secret object, no literal secret), configuration comes from ConfigMaps', () => {
          expect(objects.filter((o) => o.kind === 'Secret')).to.deep.equal([]);
          for (const bff of ['bff-web', 'bff-mobile']) {
            const container = find(objects, 'Deployment', bff).spec.template.spec.containers[0];
            for (const name of ['DATABASE_URL', 'TOKEN_SECRET', 'JWT_SECRET', 'REDIS_URL']) {
              const variable = container.env.find((e: { name: string }) => e.name === name);
              expect(variable?.valueFrom?.secretKeyRef?.name, `${bff} ${name}`).to.equal('microblog-secrets');
              expect(variable.value, `${bff} ${name}`).to.equal(undefined);
            }
            for (const ref of container.envFrom) {
              expect(
                objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === ref.configMapRef.name),
                `${bff} ${ref.configMapRef.name}`,
              ).to.equal(true);
            }
          }
        });

        it('when traffic reaches a BFF, then its metrics port is open only to the monitoring namespace', () => {
          for (const [bff, metricsPort, httpPort] of [
            ['bff-web', 9464, 3000],
            ['bff-mobile', 9465, 3001],
          ] as const) {
            const container = find(objects, 'Deployment', bff).spec.template.spec.containers[0];
            expect(container.ports).to.deep.include({ name: 'metrics', containerPort: metricsPort });
            const rules = find(objects, 'NetworkPolicy', bff).spec.ingress as {
              from: Json[];
              ports: { port: number }[];
            }[];
            const metricsRules = rules.filter((rule) => rule.ports.some((p) => p.port === metricsPort));
            expect(metricsRules).to.have.length(1);
            expect(metricsRules[0]?.from).to.deep.equal([
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
            ]);
            expect(
              rules.every((rule) => rule.ports.every((p) => p.port === metricsPort || p.port === httpPort)),
            ).to.equal(true);
          }
        });

        it('when a release rolls out, then the migration Job runs first (Argo CD PreSync hook) with the same image', () => {
          const job = find(objects, 'Job', 'microblog-migrate');
          expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).to.equal('PreSync');
          const container = job.spec.template.spec.containers[0];
          expect(container.command).to.deep.equal(['node', 'deploy/migrate.ts']);
          expect(container.image.split(':')[0]).to.equal(
            find(objects, 'Deployment', 'bff-web').spec.template.spec.containers[0].image.split(':')[0],
          );
        });
      });
    }
  });
});
