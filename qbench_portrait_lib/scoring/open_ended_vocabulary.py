"""The quality claims of the open-ended proxy's lexicon: which phrases say which claim.

``CLAIMS`` maps ``"attribute=value"`` to the phrases naming it: single words before the
first ``|``, then ``|``-separated phrases (lower-case words, as ``tokenize`` splits them).
Synonyms share a claim ("grainy" and "noisy" both say ``noise=+``); antonyms share an
attribute with another value ("sharp" is ``blur=-``, "too dark" ``exposure=under``);
``OPPOSITES`` names the two values of a two-sided attribute, so "not flattering" says
``appeal=poor``. ``MULTI`` holds phrases that say a claim kept apart from its synonyms
(a kind of blur). ``NOTHING`` lists phrases that look like a claim but say none ("a
shadow is cast", "hard to say").

>>> CLAIMS["noise=+"].split()[:3]
['noise', 'noisy', 'grain']
>>> OPPOSITES["appeal"]
('good', 'poor')
"""

from __future__ import annotations

CLAIMS: dict[str, str] = {
    "blur=+": "blur blurry blurred blurs blurring blurriness blurrier blurriest unsharp fuzzy hazy soft "
    "softness unfocused | out of focus | not in focus | lacks focus | lost focus | soft focus",
    "blur=-": "sharp sharply sharpness crisp crisply focused | in focus | tack sharp | well focused | "
    "razor sharp | clear detail | sharply focused | fine detail | fine details | fine texture",
    "noise=+": "noise noisy grain grainy graininess speckle speckles speckled specks speckling mottled "
    "blotchy | sensor noise | high iso | salt and pepper | fine grain | colour noise | color noise",
    "noise=-": "noiseless | noise free",
    "compression=+": "compression compressed jpeg blocky blocking macroblocking macroblocks banding "
    "ringing blocks posterized posterised posterization | block artifacts | compression artifacts | "
    "compression artefacts | jpeg artifacts | jpeg artefacts | block artefacts | blocking artefacts",
    "sharpening=over": "oversharpened oversharpening halo halos haloing | over sharpened | over sharpening",
    "pixelation=+": "pixelated pixelation pixelized jagged jaggy jaggies aliasing aliased upscaled "
    "upsampled | low resolution | low res | stair stepped",
    "exposure=over": "overexposed overexposure blown clipped | over exposed | too bright | blown out | "
    "washed out | burnt out | burned out | far too bright | overly bright | pure white | "
    "on the bright side",
    "exposure=under": "underexposed underexposure underlit dim murky crushed | under exposed | too dark | "
    "very dark | crushed shadows | crushed blacks | poorly lit | low light | pure black | solid black | "
    "clipped blacks | blacks are clipped | clipped shadows | on the dark side",
    "exposure=good": "| well exposed | correctly exposed | properly exposed | well lit | balanced exposure | "
    "good exposure | exposure is fine | exposed fine",
    "cast=+": "cast tint tinted tinge discoloured discolored | colour cast | color cast | "
    "white balance | colours are off | colors are off | colour shift | color shift",
    "cast=none": "neutral | accurate colours | accurate colors | true to life colours | natural colours | "
    "natural colors",
    "saturation=low": "desaturated undersaturated muted faded drab | low saturation | washed out colours | "
    "washed out colors",
    "saturation=high": "vivid vibrant saturated oversaturated | high saturation | rich colours | rich colors",
    "tilt=+": "tilted tilt skewed crooked askew slanted slanting leaning leans lean rotated | "
    "not level | off level",
    "tilt=-": "level straight upright",
    "crop=+": "cramped tight cropped chop chops chopped amputated slice slices sliced | cut off | "
    "cuts off | cuts through | cropped off | cut through | chopped off | cut at | cuts at",
    "headroom=much": "| too much headroom | lots of headroom | a lot of headroom | excessive headroom | "
    "empty headroom | excess headroom | too much space above | empty space above",
    "headroom=little": "| too little headroom | little headroom | no headroom | not enough headroom",
    "headroom=good": "| comfortable headroom | enough headroom | room above the head | plenty of headroom | "
    "balanced headroom | good headroom",
    "dynamism=static": "static",
    "dynamism=dynamic": "dynamic energetic",
    "clutter=+": "cluttered clutter busy distracting distract distracts messy nervous restless chaotic | "
    "draw the eye away | draws the eye away | pull attention | pulls attention | steal attention | "
    "competes with | compete with | competing with",
    "clutter=-": "unobtrusive uncluttered plain simple minimal | not distracting",
    "merge=+": "fused fuse fuses fusing merged merge merges merging melts melt melting melted | "
    "blends into | blend into | bleeds into | runs into | grown together | dissolve into | "
    "dissolves into | run together | runs together | no separation | without separation | no gaps",
    "merge=-": "separated separation distinct | stands out | well separated",
    "smear=+": "smeared smear smears smudged smudge smudgy mush mushy blob blobby muddy mess",
    "repetition=+": "repetitive repeats repeating repeated tiled tiling duplicated duplicate duplicates "
    "doubled double overlapping | copy pasted",
    "incoherence=+": "illogical nonsensical incoherent inconsistent inconsistency inconsistencies garbled "
    "gibberish nonsense illegible unreadable scrambled misaligned | do not meet | don t meet | "
    "do not line up | don t line up | does not line up | doesn t line up | make no sense | makes no sense | "
    "does not make sense | impossible structures | pseudo text | wrong way | wrong direction",
    "incoherence=-": "coherent logical consistent legible readable",
    "malformation=+": "malformed malformation deformed deformation deformity distorted distortion "
    "misshapen mangled warped twisted mutated misplaced broken bent bends bend stretched bulbous "
    "elongated contorted | anatomical errors | anatomical error | impossible angle | wrong place | "
    "wrong shape | bends backwards | too long | unnaturally long | odd angle | wrong angle",
    "malformation=-": "| anatomically correct | well formed | plausible places | plausible place | "
    "where they should be | correctly formed",
    "finger_count=extra": "| extra finger | extra fingers | six fingers | too many fingers | "
    "additional finger | extra digit | extra digits",
    "finger_count=missing": "| missing finger | missing a finger | four fingers | too few fingers | "
    "missing fingers",
    "asymmetry=+": "asymmetric asymmetrical asymmetry lopsided uneven mismatched unequal | "
    "do not match | don t match | does not match | doesn t match | different sizes | different size",
    "asymmetry=-": "symmetrical symmetric matching | match each other | perfectly symmetrical",
    "artificial=+": "unnatural unnaturally artificial fake plastic plasticky waxy wax airbrushed uncanny "
    "forced synthetic poreless smoothed oversmoothed | doll like | too smooth | overly smooth | "
    "unnaturally smooth | over smoothed",
    "artificial=-": "pores | visible pores",
    "stiffness=+": "stiff rigid awkward posed tense strained hunched | wooden pose",
    "stiffness=-": "relaxed candid | at ease",
    "lighting=hard": "harsh hard hotspots | hard light | harsh light | strong light | hard shadow | "
    "hard shadows | specular highlights",
    "lighting=soft": "diffuse diffused | soft light | soft lighting | softly lit | window light",
    "flatness=+": "flat flattened dull lifeless shadowless | flat lighting | flat light | no modelling | "
    "no modeling | no depth",
    "flatness=-": "dramatic sculpted | deep shadows | strong modelling | strong modeling",
    "contrast=low": "| low contrast | flat contrast | soft contrast | muted contrast | lacks contrast",
    "contrast=high": "contrasty punchy | high contrast | strong contrast | punchy contrast",
    "mood=sombre": "melancholic melancholy moody sombre somber gloomy wistful sad bleak",
    "mood=cheerful": "cheerful happy upbeat joyful playful uplifting",
    "evenness=even": "| even lighting | evenly lit | even light",
    "evenness=uneven": "| uneven lighting | unevenly lit | uneven look | patchy light",
    "appeal=good": "pleasing beautiful beautifully harmonious harmony cohesive complement complements "
    "excellent appealing lovely attractive stunning elegant suits good nice great pleasant flattering | "
    "works well",
    "appeal=poor": "poor unpleasant unappealing unflattering ugly garish clash clashes clashing "
    "awkwardly bad",
    "appeal=average": "average mediocre ordinary decent okay",
    "angle=low": "| low angle | from a low angle | worm s eye",
    "angle=high": "| high angle | from a high angle | bird s eye",
    "angle=level": "| eye level",
    "dof=shallow": "| shallow depth of field | shallow focus | creamy bokeh",
    "dof=deep": "| deep depth of field | everything is sharp | everything in focus",
    "style=oil": "oil impasto brushwork | oil painting | brush strokes | brushstrokes | oil paint",
    "style=watercolour": "watercolour watercolor | watercolour wash | watercolor wash",
    "style=sketch": "sketch pencil charcoal drawing | line drawing",
    "style=photo": "photographic photorealistic | normal photo | real photograph | realistic photograph",
    "style=cartoon": "cartoon anime cartoonish comic",
    "style=painting": "painterly painted painting",
    "any=-": "clean fine flawless pristine perfect unaffected normal correct realistic "
    "natural lifelike believable genuine proper | no problems | no problem | no issues | "
    "no distortion | no visible distortion | nothing wrong | no errors | none | looks good",
}

#: The two values of a two-sided attribute: negating one says the other.
OPPOSITES: dict[str, tuple[str, str]] = {
    "appeal": ("good", "poor"),
    "contrast": ("low", "high"),
    "saturation": ("low", "high"),
    "mood": ("sombre", "cheerful"),
    "dynamism": ("static", "dynamic"),
    "lighting": ("hard", "soft"),
    "evenness": ("even", "uneven"),
    "dof": ("shallow", "deep"),
}

# Phrases that say a claim apart from their synonyms: a kind of blur says blur too (see
# open_ended.relation).
MULTI: dict[str, str] = {
    "motion blur": "blur_kind=motion",
    "motion blurred": "blur_kind=motion",
    "camera shake": "blur_kind=motion",
    "shaky": "blur_kind=motion",
    "streaked": "blur_kind=motion",
    "streaks": "blur_kind=motion",
    "defocus": "blur_kind=defocus",
    "defocus blur": "blur_kind=defocus",
    "focus blur": "blur_kind=defocus",
    "clipped highlights": "exposure=over",
    "blown highlights": "exposure=over",
}

#: Words that, in a clause about colour, say the colours are dull (not blur, smear or flat light).
DULL_COLOUR_WORDS = frozenset({"dull", "muddy", "murky", "flat", "washed", "lifeless", "dead"})

#: Phrases that look like a claim and say none: a verb "cast", a hedge "hard to say".
NOTHING = ("is cast", "are cast", "was cast", "were cast", "casts", "hard to say", "hard to tell")
