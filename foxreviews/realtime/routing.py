"""The websocket side of the ASGI application: its URLs, behind the sign-in."""

from channels.routing import URLRouter
from django.urls import path

from .auth import WebsocketAuthMiddleware
from .consumers import (
    AdminNotificationsConsumer,
    AdminOrdersConsumer,
    NotificationConsumer,
    UserNotificationsConsumer,
)

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    path("ws/admin/notifications/", AdminNotificationsConsumer.as_asgi()),
    path("ws/admin/orders/", AdminOrdersConsumer.as_asgi()),
    path("ws/user/<int:user_id>/notifications/", UserNotificationsConsumer.as_asgi()),
]


def websocket_application() -> WebsocketAuthMiddleware:
    return WebsocketAuthMiddleware(URLRouter(websocket_urlpatterns))
