"""The notifications websocket: each user listens on their own group, staff also on `admins`."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

ADMINS_GROUP = "admins"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.groups_joined = [user_group(user.pk)]
        if user.is_staff:
            self.groups_joined.append(ADMINS_GROUP)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "groups": self.groups_joined})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def notify(self, event: dict) -> None:
        if event.get("admins_too") and ADMINS_GROUP in self.groups_joined:
            return  # the copy sent to the admins' group reaches this connection
        await self.send_json({"type": "notification", "payload": event["payload"]})
