// A real DNS server on loopback for the end-to-end tests: Debian's dnsmasq, authoritative for
// the zones the tests use, answering the TXT records a test publishes (NXDOMAIN for the rest).
// A change of records restarts it on the same port. `cargo xtask test` installs dnsmasq.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';

const DNSMASQ = process.env.DNSMASQ ?? '/usr/sbin/dnsmasq';
const ZONES = ['example', 'test', 'com'];

async function freeUdpPort() {
  const socket = createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(resolve));
  return port;
}

/** Asks for a TXT record until the server answers. */
async function answering(port) {
  const query = Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, ...Buffer.from('probe'), 4, ...Buffer.from('test'), 0, 0, 16, 0, 1]);
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const socket = createSocket('udp4');
    const answered = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 100);
      socket.once('message', () => { clearTimeout(timer); resolve(true); });
      socket.send(query, port, '127.0.0.1');
    });
    socket.close();
    if (answered) return;
  }
  throw new Error(`dnsmasq did not answer on port ${port}`);
}

export async function startDns() {
  const port = await freeUdpPort();
  const records = [];
  let child;
  const stop = async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  };
  const restart = async () => {
    await stop();
    const args = ['--keep-in-foreground', '--no-resolv', '--no-hosts', '--bind-interfaces', '--listen-address=127.0.0.1',
      '--user=root', '--conf-file=/dev/null', `--port=${port}`, '--auth-server=ns.orgdesk.test',
      ...ZONES.map((zone) => `--auth-zone=${zone}`),
      ...records.map(([host, value]) => `--txt-record=${host},${value}`)];
    child = spawn(DNSMASQ, args, { stdio: 'ignore' });
    child.on('error', (err) => { throw new Error(`cannot start ${DNSMASQ} (${err.message}); cargo xtask test installs it`); });
    await answering(port);
  };
  await restart();
  return {
    address: `127.0.0.1:${port}`,
    async publish(host, value) { records.push([host, value]); await restart(); },
    async unpublish(host) {
      for (let i = records.length - 1; i >= 0; i -= 1) if (records[i][0] === host) records.splice(i, 1);
      await restart();
    },
    stop,
  };
}
