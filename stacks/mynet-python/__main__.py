"""Seed 002's user-defined network, with dockwire from Python.

    docker network create --driver bridge --subnet 192.168.0.0/16 --gateway 192.168.0.1 mynet
    docker run -d --name tomcat01 --net mynet tomcat

The components are dockwire's own (constructed by its provider plugin from the same
TypeScript classes), so bad input fails at preview with the same message as in TypeScript.
"""

import pulumi
import pulumi_dockwire as dockwire

config = pulumi.Config()

mynet = dockwire.BridgeNetwork(
    "mynet",
    network_name=config.get("networkName") or "mynet",
    subnet=config.get("subnet") or "192.168.0.0/16",
    gateway=config.get("gateway") or "192.168.0.1",
)

tomcat01 = dockwire.AppContainer(
    "tomcat01",
    image=config.get("image") or "dockwire/busybox:local",
    command=["sleep", "86400"],
    networks=[dockwire.AppContainerNetworkArgs(network=mynet.network_name, aliases=["tomcat01"])],
)

pulumi.export("networkId", mynet.network_id)
pulumi.export("container", tomcat01.container_name)
