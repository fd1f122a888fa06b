# Install the Marketing Engineering kit from this folder, without internet, then start the
# workshop. Steps: find Python, make .venv\, install from wheels\, unzip the lessons into
# workshop\ (never over an existing one), check the laptop, start JupyterLab.
# $env:MKT_NO_LAB = "1" stops after the check (for a trainer preparing laptops).
$ErrorActionPreference = "Stop"
Set-Location -Path $PSScriptRoot
$versions = "@PYTHON_VERSIONS@".Split(" ")

function Test-Python([string[]]$command) {
    try {
        $probe = "import sys; print('%d.%d' % sys.version_info[:2])"
        $found = & $command[0] $command[1..9] -c $probe 2>$null
        return ($LASTEXITCODE -eq 0) -and ($versions -contains "$found".Trim())
    } catch { return $false }
}

$python = $null
foreach ($version in $versions) {
    foreach ($candidate in @(@("py", "-$version"), @("python"), @("python3"))) {
        if (Test-Python $candidate) { $python = $candidate; break }
    }
    if ($python) { break }
}
if (-not $python) {
    Write-Host "This bundle needs Python $versions. Install it from python.org"
    Write-Host "(tick 'Add python.exe to PATH'), then run this again."
    Write-Host "Dieses Paket braucht Python $versions. Von python.org installieren"
    Write-Host "('Add python.exe to PATH' ankreuzen), dann erneut starten."
    exit 1
}

if (-not (Test-Path ".venv\Scripts\python.exe")) {
    & $python[0] $python[1..9] -m venv .venv
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
$pip = @("-m", "pip", "--isolated", "install", "--quiet", "--no-index")
& .venv\Scripts\python.exe @pip --find-links wheels mkt-engineering @LESSON_PACKAGES@
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
if (-not (Test-Path "workshop")) {
    & .venv\Scripts\python.exe -m zipfile -e workshop-student.zip .
}
& .venv\Scripts\mkt.exe doctor workshop
if ($env:MKT_NO_LAB -ne "1") {
    & .venv\Scripts\mkt.exe lab workshop
}
