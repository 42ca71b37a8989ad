; Inno Setup 6 script for TinyStudio: a per-user Setup.exe (no admin rights needed).
;
; Build (after PyInstaller has made dist\TinyStudio\ with packaging\tinystudio.spec):
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\dist\TinyStudio /DOutputDir=..\dist packaging\windows\tinystudio.iss
; Signed build (signtool from the Windows SDK; the certificate stays on the build machine):
;   iscc /DAppVersion=0.1.0 /DSourceDir=... /DSign "/Ssigntool=signtool.exe sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /f cert.pfx /p $p" packaging\windows\tinystudio.iss
; With /DSign, Inno Setup signs Setup.exe and the uninstaller; sign the app's own .exe/.dll files
; before running iscc (see packaging/README.md).
; Silent per-user install, as the CI does:  TinyStudio-0.1.0-Setup.exe /VERYSILENT /SUPPRESSMSGBOXES /CURRENTUSER

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\dist\TinyStudio"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist"
#endif

[Setup]
; A fixed AppId: upgrades replace the old version instead of installing beside it. Never change it.
AppId={{6F1C2B7E-3D4A-4B8E-9C51-7A2E0D9F4B13}
AppName=TinyStudio
AppVersion={#AppVersion}
AppVerName=TinyStudio {#AppVersion}
AppPublisher=TinyStudio
AppPublisherURL=https://example.org/tinystudio
VersionInfoVersion={#AppVersion}
; Per user by default ({autopf} is then %LOCALAPPDATA%\Programs); the user may choose "all users",
; which asks for admin rights.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\TinyStudio
DefaultGroupName=TinyStudio
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\TinyStudio.exe
UninstallDisplayName=TinyStudio
SetupIconFile=..\..\resources\icons\tinystudio.ico
OutputDir={#OutputDir}
OutputBaseFilename=TinyStudio-{#AppVersion}-Setup
; torch and Qt are large: lzma2 in solid mode makes the smallest Setup.exe.
Compression=lzma2
SolidCompression=yes
LZMANumBlockThreads=4
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
WizardStyle=modern
CloseApplications=yes
#ifdef Sign
SignTool=signtool $f
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\TinyStudio"; Filename: "{app}\TinyStudio.exe"; Comment: "Train tiny text models on your own CSV"
Name: "{autodesktop}\TinyStudio"; Filename: "{app}\TinyStudio.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\TinyStudio.exe"; Description: "{cm:LaunchProgram,TinyStudio}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python may leave __pycache__ folders behind; user data lives elsewhere and is kept.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
