// A TLS-only lab Docker host: certificates made with openssl for the test (a CA, a server
// certificate for the lab's address, a client certificate), the lab daemon restarted to
// listen on 10.99.X.2:2376 with tlsverify.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { DockerTlsArgs } from "../../../provider/host";
import { run } from "./exec";
import { LabHost, labhostScript } from "./labhost";

async function openssl(dir: string, args: string[]): Promise<void> {
  await run("openssl", args, { cwd: dir, timeoutMs: 30_000 });
}

/** A CA, a server certificate for `ip`, and a client certificate, in `dir`. */
export async function makeCerts(dir: string, ip: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca-key.pem",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=dockwire test CA",
  ]);
  for (const [name, cn, ext] of [
    ["server", ip, `subjectAltName=IP:${ip}\nextendedKeyUsage=serverAuth\n`],
    ["client", "dockwire-client", "extendedKeyUsage=clientAuth\n"],
  ]) {
    await openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}-key.pem`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`]);
    await writeFile(path.join(dir, `${name}.ext`), ext);
    await openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca-key.pem",
      "-CAcreateserial",
      "-out",
      `${name}-cert.pem`,
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
    ]);
  }
}

/** A lab daemon turned TLS-only. */
export interface TlsLab {
  /** `tcp://10.99.X.2:2376`. */
  url: string;
  /** The lab's address. */
  ip: string;
  /** Client material, as DockerHost takes it. */
  client: DockerTlsArgs & { caPem: string; certPem: string; keyPem: string };
}

/** Makes certificates under /run/NAME/tls and restarts the lab daemon TLS-only on 2376 (its unix socket stays). */
export async function makeTlsLab(lab: LabHost): Promise<TlsLab> {
  const ip = `10.99.${lab.x}.2`;
  const tls = `/run/${lab.name}/tls`;
  await makeCerts(tls, ip);
  await writeFile(
    lab.configPath,
    JSON.stringify({
      tls: true,
      tlsverify: true,
      tlscacert: `${tls}/ca.pem`,
      tlscert: `${tls}/server-cert.pem`,
      tlskey: `${tls}/server-key.pem`,
    }),
  );
  await run("bash", [labhostScript, "restart", lab.name], { env: { LABHOST_TCP_PORT: "2376" }, timeoutMs: 90_000 });
  const pem = (f: string) => readFile(path.join(tls, f), "utf8");
  const [caPem, certPem, keyPem] = await Promise.all([pem("ca.pem"), pem("client-cert.pem"), pem("client-key.pem")]);
  return { url: `tcp://${ip}:2376`, ip, client: { caPem, certPem, keyPem } };
}
