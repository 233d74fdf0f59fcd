# Seed 004's flask + redis app: every GET / increments "hits" in Redis and reports the
# count (as the redis client returns it, bytes: b'1') and the container's hostname.
import os
import socket

from flask import Flask
from redis import Redis

app = Flask(__name__)
redis = Redis(host=os.environ.get("REDIS_HOST", "127.0.0.1"), port=int(os.environ.get("REDIS_PORT", "6379")))


@app.route("/")
def hello():
    redis.incr("hits")
    return "Hello Container World! I have been seen %s times and my hostname is %s.\n" % (
        redis.get("hits"),
        socket.gethostname(),
    )


if __name__ == "__main__":
    # The seed runs with debug=True; the Werkzeug debugger on 0.0.0.0 lets anyone who
    # reaches the port run code, so it is off unless FLASK_DEBUG=1 is set explicitly.
    app.run(host="0.0.0.0", port=5000, debug=os.environ.get("FLASK_DEBUG") == "1")
