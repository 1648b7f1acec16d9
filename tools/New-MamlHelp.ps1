<#
.SYNOPSIS
    Generates the module's MAML help (en-US/Baseten.PowerShell.dll-Help.xml) from the built cmdlets'
    metadata and the hand-written sources in module/help/*.md.

.DESCRIPTION
    platyPS is not available here, so this is a small replacement. It imports the BUILT module (run it in a
    fresh process: a binary module cannot be unloaded), walks every exported cmdlet with Get-Command
    (parameter sets, types, Mandatory, Position, pipeline binding, aliases, SupportsWildcards, ValidateSet,
    OutputType) and merges the texts of module/help/<Cmdlet-Name>.md (format: module/help/README.md).

    It fails (exit 1, every problem listed) when an exported cmdlet has no help source, no synopsis, no
    description, no text for one of its parameters, fewer than two examples or an example without code, and
    when a help source documents a parameter that the cmdlet does not have. Common parameters are never
    listed; -WhatIf and -Confirm get standard text unless the source documents them.

.EXAMPLE
    dotnet pwsh -NoProfile -File tools/New-MamlHelp.ps1 -ModulePath out/Baseten/Baseten.psd1 -HelpSourcePath module/help -OutputPath out/Baseten/en-US/Baseten.PowerShell.dll-Help.xml
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$HelpSourcePath,
    [Parameter(Mandatory)][string]$OutputPath,
    # Only check the sources against the module; write nothing.
    [switch]$ValidateOnly
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$script:Problems = [System.Collections.Generic.List[string]]::new()
function Add-Problem([string]$Message) { $script:Problems.Add($Message) }

# ---------------------------------------------------------------------------------------------------------
# Markdown source parsing
# ---------------------------------------------------------------------------------------------------------

# Splits a markdown file into { Title; Sections = ordered name -> { Lines; Subsections = list of {Title; Lines} } }.
# Headings inside fenced code blocks are text, not headings.
function Read-HelpSource([string]$Path) {
    $lines = [System.IO.File]::ReadAllLines($Path)
    $doc = [ordered]@{ Title = $null; Sections = [ordered]@{} }
    $section = $null; $sub = $null; $inFence = $false
    foreach ($line in $lines) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^(#{1,3})\s+(.+?)\s*#*\s*$') {
            $level = $Matches[1].Length; $text = $Matches[2].Trim()
            if ($level -eq 1) {
                if ($null -ne $doc.Title) { Add-Problem "${Path}: more than one '# ' title." }
                $doc.Title = $text; $section = $null; $sub = $null; continue
            }
            if ($level -eq 2) {
                $key = $text.ToUpperInvariant()
                if ($doc.Sections.Contains($key)) { Add-Problem "${Path}: section '## $text' appears twice." }
                $section = [ordered]@{ Lines = [System.Collections.Generic.List[string]]::new(); Subsections = [System.Collections.Generic.List[object]]::new() }
                $doc.Sections[$key] = $section; $sub = $null; continue
            }
            if ($null -eq $section) { Add-Problem "${Path}: '### $text' is outside any '## ' section."; continue }
            $sub = [ordered]@{ Title = $text; Lines = [System.Collections.Generic.List[string]]::new() }
            $section.Subsections.Add($sub); continue
        }
        if ($null -ne $sub) { $sub.Lines.Add($line) }
        elseif ($null -ne $section) { $section.Lines.Add($line) }
        elseif ($line.Trim()) { Add-Problem "${Path}: text before the first section: '$line'." }
    }
    if ($inFence) { Add-Problem "${Path}: a code fence (``````) is not closed." }
    $doc
}

# Inline markdown -> help text: [text](uri) becomes 'text (uri)'; everything else is kept as written
# (backticks included, as in Microsoft's own help).
function ConvertFrom-InlineMarkdown([string]$Text) {
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)\s]*)\)', {
            param($m) if ($m.Groups[2].Value) { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } else { $m.Groups[1].Value } })
    $Text
}

# Markdown body -> list of paragraphs (strings). Blank lines separate paragraphs; wrapped lines are joined;
# list items and fenced code keep their line breaks (code is indented four spaces).
function ConvertTo-Paragraphs([System.Collections.Generic.IEnumerable[string]]$Lines) {
    $paras = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $inFence = $false; $fence = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($current.Count) { $paras.Add(($current -join "`n")); $current.Clear() }
    }
    foreach ($raw in $Lines) {
        $line = $raw.TrimEnd()
        if ($line -match '^\s*(```|~~~)') {
            if ($inFence) {
                $paras.Add((($fence | ForEach-Object { "    $_" }) -join "`n")); $fence.Clear(); $inFence = $false
            }
            else { & $flush; $inFence = $true }
            continue
        }
        if ($inFence) { $fence.Add($line); continue }
        if (-not $line.Trim()) { & $flush; continue }
        $text = ConvertFrom-InlineMarkdown $line.Trim()
        if ($line -match '^\s*([-*+]|\d+[.)])\s+' -or $current.Count -eq 0) { $current.Add($text) }
        elseif ($current[$current.Count - 1] -match '^\s*([-*+]|\d+[.)])\s+' -and $line -match '^\s+') {
            $current[$current.Count - 1] += " $text"     # continuation of a list item
        }
        elseif ($current[$current.Count - 1] -match '^\s*([-*+]|\d+[.)])\s+') { $current.Add($text) }
        else { $current[$current.Count - 1] += " $text" } # wrapped paragraph line
    }
    & $flush
    , $paras
}

# '### -Name' body: 'Default value: X' lines are metadata; the rest is the description.
function Split-ParameterText([System.Collections.Generic.List[string]]$Lines) {
    $default = $null
    $rest = [System.Collections.Generic.List[string]]::new()
    foreach ($l in $Lines) {
        if ($l -match '^\s*Default value:\s*(.+?)\s*$') { $default = $Matches[1].Trim('`', ' ') }
        else { $rest.Add($l) }
    }
    [pscustomobject]@{ Default = $default; Paragraphs = (ConvertTo-Paragraphs $rest) }
}

function Get-Example($Sub, [string]$Path) {
    $code = $null; $inFence = $false; $codeLines = $null
    $before = [System.Collections.Generic.List[string]]::new()
    $after = [System.Collections.Generic.List[string]]::new()
    foreach ($l in $Sub.Lines) {
        if ($null -eq $code) {
            if ($l -match '^\s*(```|~~~)') {
                if ($inFence) { $code = ($codeLines -join "`n").Trim("`n"); $inFence = $false }
                else { $inFence = $true; $codeLines = [System.Collections.Generic.List[string]]::new() }
                continue
            }
            if ($inFence) { $codeLines.Add($l.TrimEnd()) } else { $before.Add($l) }
        }
        else { $after.Add($l) }
    }
    if (-not $code) { Add-Problem "${Path}: example '$($Sub.Title)' has no fenced code block." }
    $remarks = [System.Collections.Generic.List[string]]::new()
    foreach ($p in (ConvertTo-Paragraphs $before)) { $remarks.Add($p) }
    foreach ($p in (ConvertTo-Paragraphs $after)) { $remarks.Add($p) }
    [pscustomobject]@{ Title = $Sub.Title; Code = $code; Remarks = $remarks }
}

function Get-RelatedLinks($Section) {
    $links = [System.Collections.Generic.List[object]]::new()
    if ($null -eq $Section) { return , $links }
    foreach ($l in $Section.Lines) {
        $t = $l.Trim()
        if (-not $t) { continue }
        $t = $t -replace '^[-*+]\s+', ''
        if ($t -match '^\[([^\]]+)\]\(([^)\s]*)\)$') { $links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] }) }
        elseif ($t -match '^<?(https?://\S+?)>?$') { $links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[1] }) }
        else { $links.Add([pscustomobject]@{ Text = $t; Uri = '' }) }
    }
    , $links
}

# INPUTS / OUTPUTS: '### Type.Name' + text -> ordered type name -> paragraphs
function Get-TypeTexts($Section) {
    $map = [ordered]@{}
    if ($null -ne $Section) {
        foreach ($s in $Section.Subsections) { $map[$s.Title.Trim('`')] = ConvertTo-Paragraphs $s.Lines }
    }
    $map
}

# ---------------------------------------------------------------------------------------------------------
# Cmdlet metadata
# ---------------------------------------------------------------------------------------------------------

$commonNames = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
foreach ($n in [System.Management.Automation.PSCmdlet]::CommonParameters) { [void]$commonNames.Add($n) }
foreach ($n in 'UseTransaction', 'ProgressAction') { [void]$commonNames.Add($n) }

$standardText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run and no request is sent.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

function Get-TypeDisplayName([type]$Type) {
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    if ($Type.IsArray) { return (Get-TypeDisplayName $Type.GetElementType()) + '[]' }
    $nullable = [Nullable]::GetUnderlyingType($Type)
    if ($nullable) { return (Get-TypeDisplayName $nullable) }
    if ($Type.IsGenericType) {
        $name = $Type.Name -replace '`\d+$', ''
        return "$name[$(($Type.GetGenericArguments() | ForEach-Object { Get-TypeDisplayName $_ }) -join ',')]"
    }
    $Type.Name
}

function Get-TypeFullName([type]$Type) {
    $nullable = [Nullable]::GetUnderlyingType($Type)
    if ($nullable) { return $nullable.FullName }
    if ($Type.IsGenericType) { return (Get-TypeDisplayName $Type) }
    $Type.FullName
}

function Get-PositionText([int]$Position) { if ($Position -ge 0) { "$Position" } else { 'named' } }

function Get-PipelineText($ByValue, $ByName) {
    $kinds = @()
    if ($ByName) { $kinds += 'ByPropertyName' }
    if ($ByValue) { $kinds += 'ByValue' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-AcceptedValues($ParameterMetadata) {
    $set = $ParameterMetadata.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($set) { return @($set.ValidValues) }
    $t = $ParameterMetadata.ParameterType
    $u = [Nullable]::GetUnderlyingType($t); if ($u) { $t = $u }
    if ($t.IsArray) { $t = $t.GetElementType() }
    if ($t.IsEnum) { return [enum]::GetNames($t) }
    @()
}

# ---------------------------------------------------------------------------------------------------------
# MAML writer
# ---------------------------------------------------------------------------------------------------------

$nsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$nsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$nsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$nsMsh = 'http://msh'

function Write-Paras($W, $Paragraphs) {
    $any = $false
    foreach ($p in $Paragraphs) { $W.WriteElementString('para', $nsMaml, $p); $any = $true }
    if (-not $any) { $W.WriteStartElement('para', $nsMaml); $W.WriteEndElement() }
}

function Write-Description($W, $Paragraphs) {
    $W.WriteStartElement('description', $nsMaml); Write-Paras $W $Paragraphs; $W.WriteEndElement()
}

function Write-ParameterElement($W, $P, [bool]$InSyntax) {
    $W.WriteStartElement('parameter', $nsCommand)
    $W.WriteAttributeString('required', $P.Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', $P.VariableLength.ToString().ToLowerInvariant())
    $W.WriteAttributeString('globbing', $P.Globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $P.PipelineInput)
    $W.WriteAttributeString('position', $P.Position)
    $W.WriteAttributeString('aliases', $(if ($P.Aliases) { $P.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('name', $nsMaml, $P.Name)
    Write-Description $W $P.Paragraphs
    if ($P.AcceptedValues.Count -and -not $P.IsSwitch) {
        $W.WriteStartElement('parameterValueGroup', $nsCommand)
        foreach ($v in $P.AcceptedValues) {
            $W.WriteStartElement('parameterValue', $nsCommand)
            $W.WriteAttributeString('required', 'false'); $W.WriteAttributeString('variableLength', 'false')
            $W.WriteString($v); $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    # In a syntax item a switch has no value: Get-Help would otherwise print '-PassThru <SwitchParameter>'.
    if (-not ($InSyntax -and $P.IsSwitch)) {
        $W.WriteStartElement('parameterValue', $nsCommand)
        $W.WriteAttributeString('required', $(if ($P.IsSwitch) { 'false' } else { 'true' }))
        $W.WriteAttributeString('variableLength', $P.VariableLength.ToString().ToLowerInvariant())
        $W.WriteString($P.TypeDisplay); $W.WriteEndElement()
    }
    $W.WriteStartElement('type', $nsDev)
    $W.WriteElementString('name', $nsMaml, $P.TypeFullName)
    $W.WriteStartElement('uri', $nsMaml); $W.WriteEndElement()
    $W.WriteEndElement()
    $W.WriteElementString('defaultValue', $nsDev, $P.Default)
    $W.WriteEndElement()
}

function Write-TypeList($W, [string]$ListName, [string]$ItemName, $Items) {
    $W.WriteStartElement($ListName, $nsCommand)
    foreach ($i in $Items) {
        $W.WriteStartElement($ItemName, $nsCommand)
        $W.WriteStartElement('type', $nsDev)
        $W.WriteElementString('name', $nsMaml, $i.Name)
        $W.WriteEndElement()
        Write-Description $W $i.Paragraphs
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

# ---------------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------------

$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$HelpSourcePath = (Resolve-Path -LiteralPath $HelpSourcePath).ProviderPath
$module = Import-Module -Name $ModulePath -PassThru -Force -ErrorAction Stop
$cmdletNames = @($module.ExportedCmdlets.Keys | Sort-Object)
if (-not $cmdletNames) { Add-Problem "The module $ModulePath exports no cmdlets." }

$sources = @{}
foreach ($f in Get-ChildItem -LiteralPath $HelpSourcePath -Filter '*.md' -File) {
    if ($f.Name -ieq 'README.md') { continue }
    $sources[$f.BaseName] = $f.FullName
}
foreach ($name in $sources.Keys) {
    if ($cmdletNames -notcontains $name) {
        Write-Warning "Help source $($sources[$name]) matches no exported cmdlet; it is not used."
    }
}

$commands = [System.Collections.Generic.List[object]]::new()
foreach ($name in $cmdletNames) {
    if (-not $sources.ContainsKey($name)) {
        Add-Problem "${name}: no help source; write $(Join-Path $HelpSourcePath "$name.md") (format: module/help/README.md)."
        continue
    }
    $path = $sources[$name]
    $doc = Read-HelpSource $path
    $cmd = Get-Command -Name $name -Module $module.Name -CommandType Cmdlet
    if ($doc.Title -ne $name) { Add-Problem "${path}: the title must be '# $name' (found '# $($doc.Title)')." }

    $synopsis = if ($doc.Sections.Contains('SYNOPSIS')) { ConvertTo-Paragraphs $doc.Sections['SYNOPSIS'].Lines } else { @() }
    if (-not @($synopsis).Count) { Add-Problem "${name}: the SYNOPSIS is missing or empty." }
    $description = if ($doc.Sections.Contains('DESCRIPTION')) { ConvertTo-Paragraphs $doc.Sections['DESCRIPTION'].Lines } else { @() }
    if (-not @($description).Count) { Add-Problem "${name}: the DESCRIPTION is missing or empty." }

    # Parameter texts from the source
    $paramTexts = @{}
    if ($doc.Sections.Contains('PARAMETERS')) {
        foreach ($s in $doc.Sections['PARAMETERS'].Subsections) {
            $pn = $s.Title.TrimStart('-').Trim('`').Trim()
            if ($paramTexts.ContainsKey($pn)) { Add-Problem "${name}: parameter -$pn is documented twice." }
            $paramTexts[$pn] = Split-ParameterText $s.Lines
        }
    }

    # Parameters of the cmdlet (common ones excluded)
    $params = [ordered]@{}
    foreach ($pm in $cmd.Parameters.Values) {
        if ($commonNames.Contains($pm.Name)) { continue }
        $text = $paramTexts[$pm.Name]
        $paras = if ($text) { $text.Paragraphs } else { @() }
        if (-not @($paras).Count -and $standardText.ContainsKey($pm.Name)) { $paras = @($standardText[$pm.Name]) }
        if (-not @($paras).Count) { Add-Problem "${name}: parameter -$($pm.Name) has no text (add '### -$($pm.Name)' under '## PARAMETERS')." }
        $isSwitch = $pm.SwitchParameter
        $default = if ($text -and $text.Default) { $text.Default } elseif ($isSwitch) { 'False' } else { 'None' }

        # Per-set facts; the parameters section shows one value, so it shows what all sets agree on.
        $inSets = @($cmd.ParameterSets | ForEach-Object { $_.Parameters | Where-Object Name -eq $pm.Name })
        $mandatoryAll = ($inSets.Count -gt 0) -and -not ($inSets | Where-Object { -not $_.IsMandatory })
        $positions = @($inSets | ForEach-Object { $_.Position } | Sort-Object -Unique)
        $byValue = [bool]($inSets | Where-Object ValueFromPipeline)
        $byName = [bool]($inSets | Where-Object ValueFromPipelineByPropertyName)

        $params[$pm.Name] = [pscustomobject]@{
            Name           = $pm.Name
            Metadata       = $pm
            IsSwitch       = $isSwitch
            Required       = $mandatoryAll
            Position       = $(if ($positions.Count -eq 1) { Get-PositionText $positions[0] } else { 'named' })
            PipelineInput  = Get-PipelineText $byValue $byName
            Globbing       = [bool]($pm.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            Aliases        = @($pm.Aliases)
            VariableLength = $pm.ParameterType.IsArray
            TypeDisplay    = Get-TypeDisplayName $pm.ParameterType
            TypeFullName   = Get-TypeFullName $pm.ParameterType
            AcceptedValues = @(Get-AcceptedValues $pm)
            Default        = $default
            Paragraphs     = $paras
            ByValue        = $byValue
            ByName         = $byName
        }
    }
    foreach ($pn in $paramTexts.Keys) {
        if (-not $params.Contains($pn)) {
            $hint = if ($commonNames.Contains($pn)) { ' (a common parameter: do not document it)' } else { '' }
            Add-Problem "${name}: the help source documents -$pn, which the cmdlet does not have$hint."
        }
    }

    # Syntax: one item per parameter set, default set first; positional (by position), then mandatory,
    # then the rest, -WhatIf/-Confirm last.
    $syntax = [System.Collections.Generic.List[object]]::new()
    $sets = @($cmd.ParameterSets | Sort-Object { -not $_.IsDefault }, Name)
    foreach ($set in $sets) {
        $ps = @($set.Parameters | Where-Object { -not $commonNames.Contains($_.Name) })
        $ordered = @(
            $ps | Where-Object { $_.Position -ge 0 } | Sort-Object Position
            $ps | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }
            $ps | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory -and $_.Name -notin 'WhatIf', 'Confirm' }
            $ps | Where-Object { $_.Name -in 'WhatIf', 'Confirm' } | Sort-Object { $_.Name -ne 'WhatIf' }
        )
        $items = foreach ($sp in $ordered) {
            $base = $params[$sp.Name]
            $copy = $base.PSObject.Copy()
            $copy.Required = $sp.IsMandatory
            $copy.Position = Get-PositionText $sp.Position
            $copy.PipelineInput = Get-PipelineText $sp.ValueFromPipeline $sp.ValueFromPipelineByPropertyName
            $copy
        }
        $syntax.Add([pscustomobject]@{ Name = $set.Name; Parameters = @($items) })
    }

    # Examples
    $examples = [System.Collections.Generic.List[object]]::new()
    if ($doc.Sections.Contains('EXAMPLES')) {
        foreach ($s in $doc.Sections['EXAMPLES'].Subsections) { $examples.Add((Get-Example $s $path)) }
    }
    if ($examples.Count -lt 2) { Add-Problem "${name}: $($examples.Count) example(s); at least two are required." }

    # Inputs: pipeline types from the metadata, texts from the source (by type name).
    $inputTexts = Get-TypeTexts $(if ($doc.Sections.Contains('INPUTS')) { $doc.Sections['INPUTS'] })
    $inputs = [System.Collections.Generic.List[object]]::new()
    foreach ($p in $params.Values | Where-Object ByValue) {
        $tn = $p.TypeFullName
        if ($inputs | Where-Object Name -eq $tn) { continue }
        $paras = if ($inputTexts.Contains($tn)) { $inputTexts[$tn] } else { @("You can pipe a $($p.TypeDisplay) to the -$($p.Name) parameter.") }
        $inputs.Add([pscustomobject]@{ Name = $tn; Paragraphs = $paras })
    }
    foreach ($tn in $inputTexts.Keys) {
        if (-not ($inputs | Where-Object Name -eq $tn)) { $inputs.Add([pscustomobject]@{ Name = $tn; Paragraphs = $inputTexts[$tn] }) }
    }
    $byNameParams = @($params.Values | Where-Object ByName)
    if ($byNameParams -and -not $inputTexts.Count) {
        $names = ($byNameParams | ForEach-Object { if ($_.Aliases) { "$($_.Name) (or $($_.Aliases -join ', '))" } else { $_.Name } }) -join ', '
        $inputs.Add([pscustomobject]@{ Name = 'System.Management.Automation.PSObject'; Paragraphs = @("You can pipe any object that has the properties $names; they bind by property name.") })
    }
    if (-not $inputs.Count) { $inputs.Add([pscustomobject]@{ Name = 'None'; Paragraphs = @('You cannot pipe objects to this cmdlet.') }) }

    # Outputs: OutputType attributes, texts from the source.
    $outputTexts = Get-TypeTexts $(if ($doc.Sections.Contains('OUTPUTS')) { $doc.Sections['OUTPUTS'] })
    $outputs = [System.Collections.Generic.List[object]]::new()
    foreach ($ot in $cmd.OutputType) {
        if ($outputs | Where-Object Name -eq $ot.Name) { continue }
        $paras = if ($outputTexts.Contains($ot.Name)) { $outputTexts[$ot.Name] } else { @() }
        $outputs.Add([pscustomobject]@{ Name = $ot.Name; Paragraphs = $paras })
    }
    foreach ($tn in $outputTexts.Keys) {
        if (-not ($outputs | Where-Object Name -eq $tn)) {
            if ($cmd.OutputType.Count) { Add-Problem "${name}: OUTPUTS documents $tn, which is not in the cmdlet's [OutputType]." }
            $outputs.Add([pscustomobject]@{ Name = $tn; Paragraphs = $outputTexts[$tn] })
        }
    }
    if (-not $outputs.Count) { $outputs.Add([pscustomobject]@{ Name = 'None'; Paragraphs = @('This cmdlet returns no output.') }) }

    $notes = if ($doc.Sections.Contains('NOTES')) { ConvertTo-Paragraphs $doc.Sections['NOTES'].Lines } else { @() }
    $links = Get-RelatedLinks $(if ($doc.Sections.Contains('RELATED LINKS')) { $doc.Sections['RELATED LINKS'] })

    $known = 'SYNOPSIS', 'DESCRIPTION', 'PARAMETERS', 'EXAMPLES', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
    foreach ($k in $doc.Sections.Keys) { if ($k -notin $known) { Add-Problem "${path}: unknown section '## $k' (known: $($known -join ', '))." } }

    $commands.Add([pscustomobject]@{
            Name = $name; Verb = $cmd.Verb; Noun = $cmd.Noun; Synopsis = $synopsis; Description = $description
            Parameters = $params; Syntax = $syntax; Examples = $examples; Inputs = $inputs; Outputs = $outputs
            Notes = $notes; Links = $links
        })
}

if ($script:Problems.Count) {
    [Console]::Error.WriteLine("New-MamlHelp: $($script:Problems.Count) problem(s) in the help sources ($HelpSourcePath):")
    foreach ($p in $script:Problems) { [Console]::Error.WriteLine("  - $p") }
    exit 1
}
if ($ValidateOnly) { Write-Host "New-MamlHelp: $($commands.Count) cmdlet help source(s) are complete."; exit 0 }

$outDir = Split-Path -Parent $OutputPath
if ($outDir -and -not (Test-Path -LiteralPath $outDir)) { New-Item -ItemType Directory -Path $outDir -Force | Out-Null }
$OutputPath = [System.IO.Path]::GetFullPath($OutputPath)

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
$w = [System.Xml.XmlWriter]::Create($OutputPath, $settings)
try {
    $w.WriteStartDocument()
    $w.WriteComment(' Generated by tools/New-MamlHelp.ps1 from module/help/*.md and the cmdlet metadata. Do not edit. ')
    $w.WriteStartElement('helpItems', $nsMsh)
    $w.WriteAttributeString('schema', 'maml')
    foreach ($c in $commands) {
        $w.WriteStartElement('command', 'command', $nsCommand)
        $w.WriteAttributeString('xmlns', 'maml', $null, $nsMaml)
        $w.WriteAttributeString('xmlns', 'command', $null, $nsCommand)
        $w.WriteAttributeString('xmlns', 'dev', $null, $nsDev)

        $w.WriteStartElement('details', $nsCommand)
        $w.WriteElementString('name', $nsCommand, $c.Name)
        $w.WriteElementString('verb', $nsCommand, $c.Verb)
        $w.WriteElementString('noun', $nsCommand, $c.Noun)
        Write-Description $w $c.Synopsis
        $w.WriteEndElement()

        Write-Description $w $c.Description

        $w.WriteStartElement('syntax', $nsCommand)
        foreach ($s in $c.Syntax) {
            $w.WriteStartElement('syntaxItem', $nsCommand)
            $w.WriteElementString('name', $nsMaml, $c.Name)
            foreach ($p in $s.Parameters) { Write-ParameterElement $w $p $true }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('parameters', $nsCommand)
        $ordered = @($c.Parameters.Values | Where-Object { $_.Name -notin 'WhatIf', 'Confirm' }) + @($c.Parameters.Values | Where-Object { $_.Name -in 'WhatIf', 'Confirm' } | Sort-Object { $_.Name -ne 'WhatIf' })
        foreach ($p in $ordered) { Write-ParameterElement $w $p $false }
        $w.WriteEndElement()

        Write-TypeList $w 'inputTypes' 'inputType' $c.Inputs
        Write-TypeList $w 'returnValues' 'returnValue' $c.Outputs

        if (@($c.Notes).Count) {
            $w.WriteStartElement('alertSet', $nsMaml)
            $w.WriteStartElement('alert', $nsMaml); Write-Paras $w $c.Notes; $w.WriteEndElement()
            $w.WriteEndElement()
        }

        $w.WriteStartElement('examples', $nsCommand)
        $i = 0
        foreach ($e in $c.Examples) {
            $i++
            $title = if ($e.Title -match '^Example\s+\d+') { $e.Title } else { "Example ${i}: $($e.Title)" }
            $w.WriteStartElement('example', $nsCommand)
            $w.WriteElementString('title', $nsMaml, "--------- $title ---------")
            $w.WriteElementString('code', $nsDev, $e.Code)
            # The trailing empty paragraph puts a blank line between examples in Get-Help's output.
            $w.WriteStartElement('remarks', $nsDev); Write-Paras $w (@($e.Remarks) + ''); $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('relatedLinks', $nsCommand)
        foreach ($l in $c.Links) {
            $w.WriteStartElement('navigationLink', $nsMaml)
            $w.WriteElementString('linkText', $nsMaml, $l.Text)
            $w.WriteElementString('uri', $nsMaml, $l.Uri)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteEndElement() # command
    }
    $w.WriteEndElement() # helpItems
    $w.WriteEndDocument()
}
finally { $w.Dispose() }

# Round-trip check: the file must parse.
[void][xml][System.IO.File]::ReadAllText($OutputPath)
Write-Host "New-MamlHelp: wrote help for $($commands.Count) cmdlet(s) to $OutputPath"
