"""Websockets: live notifications to users and to the admins' group."""
