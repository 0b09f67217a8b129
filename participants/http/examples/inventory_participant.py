#!/usr/bin/env python3
"""An HTTP participant for sagad: the inventory of the order-inventory-payment
sample, with the standard library only.

    python3 inventory_participant.py --port 9101 --stock sku-1=10 --stock sku-2=3
    python3 inventory_participant.py --port 0 --seed stock.json   # prints the port it picked

sagad POSTs each command to <base URL>/<CommandType> (see docs/participants.md):

    {"command_id": "...", "attempt": 1, "saga_id": "...", "type": "ReserveStock",
     "target": "sku-1", "payload": {"order_id": "o-1", "qty": 2}, "compensable": true}

A compensation also says which forward command it undoes:

    {"command_id": "o-1/reserve_stock/compensate", "type": "ReleaseStock", ...,
     "compensates": {"command_id": "o-1/reserve_stock/do", "command_type": "ReserveStock", "target": "sku-1"}}

Commands (target = the SKU):
  AddStock     {qty}            200 StockAdded {sku, qty, available}
  ReserveStock {order_id, qty}  200 StockReserved | 422 StockRejected (not enough stock)
  ReleaseStock {order_id, qty}  200 StockReleased (also when there was nothing to release)

Read (for drivers and tests; sagad never calls it):
  GET <base URL>/stock/<sku>    200 {sku, available, reserved, reservations: {order_id: qty}}
                                (reservations still held; an unknown SKU has 0 and none)

Idempotency, the protocol's one hard rule:
  * a command id seen before gets the very same answer again, nothing applied twice:
    sagad resends the same command id on every retry (the attempt number changes),
    so a retry after a lost reply gets the first answer; a refusal (4xx) is an
    answer too and is repeated, never turned into a later success;
  * a compensation whose forward command never arrived here is a null
    compensation (200 CompensatedBeforeForward) that leaves a tombstone: the
    forward command, if it arrives later, is refused (422);
  * a reservation is also per (sku, order): a second ReserveStock for the same
    order answers StockReserved without taking more, and ReleaseStock before any
    ReserveStock for that order leaves the same kind of tombstone.
Stock never goes negative. State lives in memory: restart = reseed.

Faults for tests (--lose-replies, --fail-before-work, --fault-seed): a lost reply
does the work, remembers the answer, and answers 500 instead, as a participant
whose reply was lost on the way back; sagad's retry then gets the first answer.

The first line on stdout is the port; logs go to stderr. SIGTERM or Ctrl-C
stop it with status 0.
"""

import argparse
import json
import random
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

MAX_BODY = 1 << 20
MAX_UNITS = 10 ** 15  # as the sample's C++ StockItem: far from any float rounding in JSON readers
RELEASED = "released"  # a reservation's tombstone


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


class Invalid(Exception):
    """A malformed command: answered 422, a refusal sagad does not retry."""


def order_id_of(payload):
    order_id = payload.get("order_id")
    if not isinstance(order_id, str) or not order_id:
        raise Invalid("'payload.order_id' must be a non-empty string")
    return order_id


def qty_of(payload):
    qty = payload.get("qty")
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        raise Invalid("'payload.qty' must be a positive integer")
    return qty


class Faults:
    """Seeded, so a failing run can be replayed."""

    def __init__(self, lose_replies=0.0, fail_before_work=0.0, seed=1):
        self.lose_replies, self.fail_before_work = lose_replies, fail_before_work
        self.random = random.Random(seed)

    def before_work(self):
        return self.fail_before_work > 0 and self.random.random() < self.fail_before_work

    def lose_reply(self):
        return self.lose_replies > 0 and self.random.random() < self.lose_replies


LOST = Reply(500, {"error": "the participant did the work, then its reply was lost (injected fault)"})
BEFORE = Reply(503, {"error": "the participant failed before doing the work (injected fault)"})


class Inventory:
    """Stock per SKU and reservations per (sku, order). One lock: the example
    favours obviously-correct over fast."""

    def __init__(self, stock, faults=None):
        self.lock = threading.Lock()
        self.stock = dict(stock)            # sku -> units available
        self.reservations = {}              # sku -> {order_id: qty, or RELEASED}
        self.answers = {}                   # command_id -> Reply
        self.compensated_early = set()      # forward command ids compensated before they arrived
        self.faults = faults or Faults()

    def handle(self, command_type, command):
        command_id = command.get("command_id")
        if not isinstance(command_id, str) or not command_id:
            return refused(400, "'command_id' must be a non-empty string")
        with self.lock:
            if self.faults.before_work():
                return BEFORE
            reply = self.answer(command_type, command_id, command)
            return LOST if self.faults.lose_reply() else reply

    def answer(self, command_type, command_id, command):
        if command_id in self.answers:
            return self.answers[command_id]
        # The step barrier (docs/participants.md), by command id.
        compensates = command.get("compensates")
        if isinstance(compensates, dict) and isinstance(compensates.get("command_id"), str):
            forward = compensates["command_id"]
            if forward not in self.answers:
                self.compensated_early.add(forward)
                reply = event("CompensatedBeforeForward", {"forward_command_id": forward})
                self.answers[command_id] = reply
                return reply
        if command_id in self.compensated_early:
            reply = refused(422, "%s refused: the saga compensated it before it arrived" % command_type,
                            "CommandRefused")
            self.answers[command_id] = reply
            return reply
        handler = self.HANDLERS.get(command_type)
        if handler is None:
            # Not remembered: a 404 is a misconfiguration, fixed by redeploying.
            return refused(404, "unknown command type '%s'" % command_type)
        target, payload = command.get("target"), command.get("payload")
        try:
            if not isinstance(target, str) or not target:
                raise Invalid("'target' must be the SKU")
            if not isinstance(payload, dict):
                raise Invalid("'payload' must be an object")
            reply = handler(self, target, payload)
        except Invalid as e:
            reply = refused(422, str(e))
        if reply.status < 500:
            self.answers[command_id] = reply
        return reply

    def add(self, sku, payload):
        qty = qty_of(payload)
        available = self.stock.get(sku, 0)
        if available + self.reserved(sku) + qty > MAX_UNITS:
            return refused(422, "stock of %s would exceed 1e15 units" % sku)
        self.stock[sku] = available + qty
        return event("StockAdded", {"sku": sku, "qty": qty, "available": self.stock[sku]})

    def reserve(self, sku, payload):
        order_id, qty = order_id_of(payload), qty_of(payload)
        orders = self.reservations.setdefault(sku, {})
        held = orders.get(order_id)
        if held == RELEASED:
            return refused(422, "order %s was already released on %s" % (order_id, sku), "StockRejected")
        if held is not None:
            return event("StockReserved", {"sku": sku, "order_id": order_id, "qty": held,
                                           "available": self.stock.get(sku, 0)})
        available = self.stock.get(sku, 0)
        if available < qty:
            return refused(422, "out of stock: %s has %d, order %s needs %d" % (sku, available, order_id, qty),
                           "StockRejected", {"sku": sku, "available": available, "requested": qty})
        self.stock[sku] = available - qty
        orders[order_id] = qty
        return event("StockReserved", {"sku": sku, "order_id": order_id, "qty": qty, "available": self.stock[sku]})

    def release(self, sku, payload):
        order_id = order_id_of(payload)
        qty_of(payload)  # unused (the reservation says how much), but part of the command's contract
        orders = self.reservations.setdefault(sku, {})
        held = orders.get(order_id)
        released = held if isinstance(held, int) else 0
        self.stock[sku] = self.stock.get(sku, 0) + released
        orders[order_id] = RELEASED
        return event("StockReleased", {"sku": sku, "order_id": order_id, "qty": released,
                                       "available": self.stock[sku]})

    HANDLERS = {"AddStock": add, "ReserveStock": reserve, "ReleaseStock": release}

    def held(self, sku):
        return {order: qty for order, qty in self.reservations.get(sku, {}).items() if qty != RELEASED}

    def reserved(self, sku):
        return sum(self.held(sku).values())

    def stock_of(self, sku):
        """What a checker needs to verify stock is conserved: with the units
        added, available + reserved is all the stock there ever was."""
        with self.lock:
            held = self.held(sku)
            return Reply(200, {"sku": sku, "available": self.stock.get(sku, 0),
                               "reserved": sum(held.values()), "reservations": held})


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

    def do_GET(self):
        # <base URL>/stock/<sku>; the base path is whatever sagad was given,
        # so only the last two segments count (as for POSTs, only the last).
        # Split before unquoting: an encoded '/' belongs to the SKU.
        parts = urlsplit(self.path).path.rstrip("/").split("/")
        if len(parts) >= 2 and parts[-2] == "stock" and parts[-1]:
            return self.send(self.inventory.stock_of(unquote(parts[-1])))
        self.send(refused(404, "no resource %s: the one read is GET <base URL>/stock/<sku>" % self.path))

    def send(self, reply):
        body = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("inventory: %s\n" % (fmt % args))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # sagad opens up to 64 keep-alive connections at once; the default
    # backlog of 5 drops the rest's SYNs, each then retried a second later.
    request_queue_size = 128


def rate(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a probability between 0 and 1, not %s" % text)
    return value


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
    parser.add_argument("--lose-replies", type=rate, default=0.0, metavar="P",
                        help="fault: do the work, then answer 500 (the reply lost), with probability P")
    parser.add_argument("--fail-before-work", type=rate, default=0.0, metavar="P",
                        help="fault: answer 503 without doing anything, with probability P")
    parser.add_argument("--fault-seed", type=int, default=1, help="seed of the faults (default 1)")
    args = parser.parse_args()

    stock = load_seed(args.seed) if args.seed else {}
    stock.update(parse_stock(args.stock))
    Handler.inventory = Inventory(stock, Faults(args.lose_replies, args.fail_before_work, args.fault_seed))
    if args.quiet:
        Handler.log_message = lambda *a: None

    server = Server(("127.0.0.1", args.port), Handler)
    # Scripts stop it with SIGTERM (a background job ignores Ctrl-C): leave
    # serve_forever through the same clean path as Ctrl-C, status 0.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
