"""Reads on the replica, writes on the primary (active when DATABASE_REPLICA_URL is set).

A read inside a transaction on the primary stays on the primary: a service that writes and
then reads (an upsert and its counts, SELECT ... FOR UPDATE) sees its own writes. Replication
lag means a visitor may see a write a moment late; nothing in the API reads back a write it
just made through the replica.
"""

from django.db import connections


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        return "default" if connections["default"].in_atomic_block else "replica"

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"  # the replica follows the primary's schema by replication
