@echo off
rem Double-click: JupyterLab in the workshop folder (after install.bat has run once).
cd /d "%~dp0"
.venv\Scripts\mkt.exe lab workshop
pause
