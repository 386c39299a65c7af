// A real Apache ActiveMQ broker (Debian's `activemq` package) for tests: started in the foreground on
// 127.0.0.1 with only the STOMP transport, its configuration and data in a temp folder; no systemd, no
// /etc/activemq instance. `.ci/run` installs the package; without it (or Java) tests are skipped.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const JAR = '/usr/share/activemq/bin/activemq.jar';

/** A running broker. */
export interface Broker {
  /** stomp://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Stop the JVM (and wait for it), keeping the temp folder for a restart. */
  stop(): Promise<void>;
  /** Start again on the same port (a new broker instance: what a restart looks like to clients). */
  restart(): Promise<void>;
  /** Stop and remove the temp folder. */
  close(): Promise<void>;
}

/** Why the broker cannot run here, or null when it can. */
export function brokerUnavailable(): string | null {
  if (!fs.existsSync(JAR)) return 'ActiveMQ is not installed (apt-get install -y activemq; .ci/run does it)';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function config(dir: string, port: number): string {
  return `<beans xmlns="http://www.springframework.org/schema/beans"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd
  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="cloudsync-test" useJmx="false"
          persistent="false" dataDirectory="${dir}/data" schedulerSupport="false" advisorySupport="false">
    <transportConnectors>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:${port}?transport.closeAsync=false"/>
    </transportConnectors>
  </broker>
</beans>
`;
}

/** Start a broker; resolves once its STOMP port accepts connections (bounded: 90 s). */
export async function startBroker(): Promise<Broker> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-amq-'));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'activemq.xml'), config(dir, port));
  let child: ChildProcess | null = null;
  const launch = async () => {
    const out = fs.openSync(path.join(dir, 'broker.log'), 'a');
    child = spawn(
      'java',
      [
        '-Xms64M',
        '-Xmx256M',
        '-XX:TieredStopAtLevel=1',
        `-Dactivemq.home=/usr/share/activemq`,
        `-Dactivemq.base=${dir}`,
        `-Dactivemq.conf=${dir}`,
        `-Dactivemq.data=${dir}/data`,
        '-jar',
        JAR,
        'start',
        `xbean:file:${dir}/activemq.xml`,
      ],
      { stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    const started = Date.now();
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() - started > 90_000) {
        const log = fs.readFileSync(path.join(dir, 'broker.log'), 'utf8').slice(-2000);
        child.kill('SIGKILL');
        throw new Error(`ActiveMQ did not start on port ${port}:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const stop = async () => {
    const c = child as ChildProcess | null;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await launch();
  return {
    url: `stomp://127.0.0.1:${port}`,
    port,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    close: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
