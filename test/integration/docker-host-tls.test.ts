// A remote Docker host over TCP with TLS (seed 003 opens the daemon to other hosts; dockwire
// insists on TLS): a lab dockerd in its own network namespace listens on 10.99.X.2:2376 with
// certificates this test makes with openssl. The environment DockerHost gives its commands
// (cliEnv, TLS material as secrets) reaches it through dockwire's docker CLI preamble and
// creates a network and a container there; without the TLS material the daemon refuses.
import test from "ava";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { DockerHost } from "../../provider/host";
import { DOCKER_CLI_PREAMBLE } from "../../provider/networks";
import { captureResources, resolve } from "../components/lib/mocks";
import { images, run, uniqueName } from "./lib/exec";
import { ensureLabImage, labHostDown, labHostUp, labhostScript } from "./lib/labhost";
import { diffSnapshots, snapshot } from "./lib/residue";

async function openssl(dir: string, args: string[]): Promise<void> {
  await run("openssl", args, { cwd: dir, timeoutMs: 30_000 });
}

/** A CA, a server certificate for `ip`, and a client certificate, in `dir`. */
async function makeCerts(dir: string, ip: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await openssl(dir, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "1", "-subj", "/CN=dockwire test CA"]);
  for (const [name, cn, ext] of [
    ["server", ip, `subjectAltName=IP:${ip}\nextendedKeyUsage=serverAuth\n`],
    ["client", "dockwire-client", "extendedKeyUsage=clientAuth\n"],
  ]) {
    await openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}-key.pem`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`]);
    await writeFile(path.join(dir, `${name}.ext`), ext);
    await openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", `${name}-cert.pem`, "-days", "1", "-extfile", `${name}.ext`]);
  }
}

test.serial("DockerHost over tcp+TLS: its command environment creates a network and a container on a TLS-only daemon", async (t) => {
  const before = await snapshot();
  const lab = await labHostUp(t, 11);
  await ensureLabImage(lab, images.busybox);
  const ip = `10.99.${lab.x}.2`;
  const tls = `/run/${lab.name}/tls`;
  await makeCerts(tls, ip);
  await writeFile(
    lab.configPath,
    JSON.stringify({ tls: true, tlsverify: true, tlscacert: `${tls}/ca.pem`, tlscert: `${tls}/server-cert.pem`, tlskey: `${tls}/server-key.pem` }),
  );
  await run("bash", [labhostScript, "restart", lab.name], { env: { LABHOST_TCP_PORT: "2376" }, timeoutMs: 90_000 });

  const pem = (f: string) => readFile(path.join(tls, f), "utf8");
  const [caPem, certPem, keyPem] = await Promise.all([pem("ca.pem"), pem("client-cert.pem"), pem("client-key.pem")]);
  let env: Record<string, string> | undefined;
  await captureResources(async () => {
    const host = new DockerHost("remote", { host: `tcp://${ip}:2376`, tls: { caPem, certPem, keyPem } });
    env = await resolve(host.cliEnv);
  });
  t.is(env?.DOCKER_HOST, `tcp://${ip}:2376`);

  const net = uniqueName("dw-tls-net");
  const box = uniqueName("dw-tls-box");
  const script = [
    DOCKER_CLI_PREAMBLE,
    `docker network create --subnet 10.77.0.0/24 ${net} >/dev/null`,
    `docker run -d --name ${box} --network ${net} ${images.busybox} sleep 300 >/dev/null`,
    `docker inspect -f '{{(index .NetworkSettings.Networks "${net}").IPAddress}}' ${box}`,
  ].join("\n");
  const made = await run("/bin/sh", ["-c", script], { env: env!, timeoutMs: 60_000 });
  t.regex(made.stdout.trim(), /^10\.77\.0\.\d+$/);
  // The lab daemon, asked over its own unix socket, has both.
  const onLab = (args: string[]) => run("docker", args, { env: { DOCKER_HOST: lab.dockerHost } }).then((r) => r.stdout.trim());
  t.is(await onLab(["inspect", "-f", "{{.State.Running}}", box]), "true");
  t.is(await onLab(["network", "inspect", "-f", "{{(index .IPAM.Config 0).Subnet}}", net]), "10.77.0.0/24");

  // Without the TLS material the same daemon refuses the connection.
  const plain = await t.throwsAsync(run("docker", ["-H", `tcp://${ip}:2376`, "info"], { env: { DOCKER_TLS_VERIFY: "", DOCKER_CERT_PATH: "" }, timeoutMs: 30_000 }));
  t.regex(plain?.message ?? "", /HTTP request to an HTTPS server|certificate|tls/i);

  await onLab(["rm", "-f", box]);
  await onLab(["network", "rm", net]);
  await labHostDown(lab.name);
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
});
