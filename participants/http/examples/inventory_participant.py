#!/usr/bin/env python3
"""An HTTP participant for sagad: the inventory of the order-inventory-payment
sample, with the standard library only.

    python3 inventory_participant.py --port 9101 --stock sku-1=10 --stock sku-2=3
    python3 inventory_participant.py --port 0 --seed stock.json   # prints the port it picked

sagad POSTs each command to <base URL>/<CommandType> (see docs/participants.md):

    {"command_id": "...", "saga_id": "...", "type": "ReserveStock",
     "target": "sku-1", "payload": {"order_id": "o-1", "qty": 2}}

Commands (target = the SKU):
  ReserveStock {order_id, qty}  200 StockReserved | 422 StockRejected (not enough stock)
  ReleaseStock {order_id, qty}  200 StockReleased (also when there was nothing to release)

Idempotency, the protocol's one hard rule:
  * a command id seen before gets the very same answer again, nothing applied twice;
  * a reservation is per (sku, order): a second ReserveStock for the same order
    (a retry with a new command id) answers StockReserved without taking more;
  * ReleaseStock before any ReserveStock for that order leaves a tombstone, so a
    ReserveStock arriving late (after the saga compensated) is refused instead
    of leaving stock reserved for an order nobody will complete.
Stock never goes negative. State lives in memory: restart = reseed.

The first line on stdout is the port; logs go to stderr.
"""

import argparse
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20


class Reply:
    def __init__(self, status, body):
        self.status = status
        self.body = body


def event(name, data):
    return Reply(200, {"event": name, "data": data})


def refused(status, error, name=None, data=None):
    body = {"error": error}
    if name:
        body["event"] = name
    if data is not None:
        body["data"] = data
    return Reply(status, body)


class Inventory:
    """Stock per SKU and reservations per (sku, order). One lock: the example
    favours obviously-correct over fast."""

    def __init__(self, stock):
        self.lock = threading.Lock()
        self.stock = dict(stock)            # sku -> units available
        self.reservations = {}              # (sku, order_id) -> qty, or "released"
        self.answers = {}                   # command_id -> Reply

    def handle(self, command_type, command):
        command_id = command.get("command_id")
        if not isinstance(command_id, str) or not command_id:
            return refused(400, "'command_id' must be a non-empty string")
        with self.lock:
            if command_id in self.answers:
                return self.answers[command_id]
            handler = self.HANDLERS.get(command_type)
            if handler is None:
                # Not remembered: a 404 is a misconfiguration, fixed by redeploying.
                return refused(404, "unknown command type '%s'" % command_type)
            reply = self.validate(command) or handler(self, command["target"], command["payload"])
            if reply.status < 500:
                self.answers[command_id] = reply
            return reply

    @staticmethod
    def validate(command):
        target, payload = command.get("target"), command.get("payload")
        if not isinstance(target, str) or not target:
            return refused(422, "'target' must be the SKU")
        if not isinstance(payload, dict) or not isinstance(payload.get("order_id"), str):
            return refused(422, "'payload.order_id' must be a string")
        qty = payload.get("qty")
        if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
            return refused(422, "'payload.qty' must be a positive integer")
        return None

    def reserve(self, sku, payload):
        order_id, qty = payload["order_id"], payload["qty"]
        key = (sku, order_id)
        held = self.reservations.get(key)
        if held == "released":
            return refused(422, "order %s was already released on %s" % (order_id, sku), "StockRejected")
        if held is not None:
            return event("StockReserved", {"sku": sku, "order_id": order_id, "qty": held,
                                           "available": self.stock.get(sku, 0)})
        available = self.stock.get(sku, 0)
        if available < qty:
            return refused(422, "out of stock: %s has %d, order %s needs %d" % (sku, available, order_id, qty),
                           "StockRejected", {"sku": sku, "available": available, "requested": qty})
        self.stock[sku] = available - qty
        self.reservations[key] = qty
        return event("StockReserved", {"sku": sku, "order_id": order_id, "qty": qty, "available": self.stock[sku]})

    def release(self, sku, payload):
        order_id = payload["order_id"]
        key = (sku, order_id)
        held = self.reservations.get(key)
        released = held if isinstance(held, int) else 0
        self.stock[sku] = self.stock.get(sku, 0) + released
        self.reservations[key] = "released"
        return event("StockReleased", {"sku": sku, "order_id": order_id, "qty": released,
                                       "available": self.stock[sku]})

    HANDLERS = {"ReserveStock": reserve, "ReleaseStock": release}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: sagad pools connections
    inventory = None  # set in main

    def do_POST(self):
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit() or int(length) > MAX_BODY:
            self.send(refused(400, "a JSON body with Content-Length up to %d bytes is required" % MAX_BODY))
            self.close_connection = True
            return
        raw = self.rfile.read(int(length))
        try:
            command = json.loads(raw)
        except ValueError as e:
            return self.send(refused(400, "body is not JSON: %s" % e))
        if not isinstance(command, dict):
            return self.send(refused(400, "body must be a JSON object"))
        command_type = self.path.rstrip("/").rsplit("/", 1)[-1]
        key = self.headers.get("Idempotency-Key")
        if key is not None and key != command.get("command_id"):
            return self.send(refused(400, "Idempotency-Key does not match command_id"))
        self.send(self.inventory.handle(command_type, command))

    def send(self, reply):
        body = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("inventory: %s\n" % (fmt % args))


def parse_stock(items):
    stock = {}
    for item in items:
        sku, sep, qty = item.partition("=")
        if not sep or not sku or not qty.isdigit():
            raise SystemExit("--stock wants SKU=UNITS, got '%s'" % item)
        stock[sku] = int(qty)
    return stock


def load_seed(path):
    with open(path) as f:
        seed = json.load(f)
    if not isinstance(seed, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in seed.values()):
        raise SystemExit("%s: want a JSON object {\"sku\": units, ...} with units >= 0" % path)
    return seed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=9101, help="0 picks a free port (printed on stdout)")
    parser.add_argument("--seed", help="JSON file {\"sku\": units, ...}")
    parser.add_argument("--stock", action="append", default=[], metavar="SKU=UNITS",
                        help="initial stock, repeatable; applied after --seed")
    parser.add_argument("--quiet", action="store_true", help="no request log")
    args = parser.parse_args()

    stock = load_seed(args.seed) if args.seed else {}
    stock.update(parse_stock(args.stock))
    Handler.inventory = Inventory(stock)
    if args.quiet:
        Handler.log_message = lambda *a: None

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
