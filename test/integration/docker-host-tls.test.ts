// A remote Docker host over TCP with TLS (seed 003 opens the daemon to other hosts; dockwire
// insists on TLS): a lab dockerd in its own network namespace listens on 10.99.X.2:2376 with
// certificates this test makes with openssl. The environment DockerHost gives its commands
// (cliEnv, TLS material as secrets) reaches it through dockwire's docker CLI preamble and
// creates a network and a container there; without the TLS material the daemon refuses.
import test from "ava";
import { DOCKER_CLI_PREAMBLE, DockerHost } from "../../provider/host";
import { captureResources, resolve } from "../components/lib/mocks";
import { images, run, uniqueName } from "./lib/exec";
import { ensureLabImage, labHostDown, labHostUp } from "./lib/labhost";
import { makeTlsLab } from "./lib/tls-lab";
import { diffSnapshots, snapshot } from "./lib/residue";

test.serial("DockerHost over tcp+TLS: its command environment creates a network and a container on a TLS-only daemon", async (t) => {
  const before = await snapshot();
  const lab = await labHostUp(t, 11);
  await ensureLabImage(lab, images.busybox);
  const { ip, client } = await makeTlsLab(lab);
  const { caPem, certPem, keyPem } = client;
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
  const plain = await t.throwsAsync(
    run("docker", ["-H", `tcp://${ip}:2376`, "info"], { env: { DOCKER_TLS_VERIFY: "", DOCKER_CERT_PATH: "" }, timeoutMs: 30_000 }),
  );
  t.regex(plain?.message ?? "", /HTTP request to an HTTPS server|certificate|tls/i);

  await onLab(["rm", "-f", box]);
  await onLab(["network", "rm", net]);
  await labHostDown(lab.name);
  t.deepEqual(diffSnapshots(before, await snapshot()), []);
});
