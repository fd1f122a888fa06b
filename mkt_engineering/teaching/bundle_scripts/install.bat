@echo off
rem Double-click: runs install.ps1 (PowerShell) from this folder, then waits for a key.
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1"
pause
