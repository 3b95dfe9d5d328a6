package kiosk

