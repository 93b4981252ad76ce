"""Demo translations of the resources flyer into Spanish, Arabic, Hindi, Chinese and
Polish (the six languages the City published it in).

Machine-drafted (no person has reviewed them), so ``load_demo`` marks each published
translation with ``MachineDraft`` and readers see a note saying so. Organisation names
and phone numbers stay as they are.
"""

MACHINE_TOOL = "machine draft"

FLYER_EN = {
    "title": "Resources for Chicago immigrants and refugees",
    "summary": "Legal help, Know Your Rights, mental health care, public safety and the "
    "municipal ID: who to call.",
    "quote": "I want to make Chicago the most immigrant-friendly city in the world.",
    "intro": "<p>All Chicago residents, regardless of immigration status, can use City "
    "services. The Chicago Is With You Task Force makes sure that all immigrants and "
    "refugees know their rights and resources.</p>",
    "h-legal": "Legal help for immigrants",
    "nijc": "Free legal consultations and representation for immigrants.",
    "h-rights": "Knowing your rights as an immigrant",
    "trp": "Every person has legal rights in the United States, including undocumented "
    "immigrants. Educational materials and trainings.",
    "h-health": "Mental health care",
    "lurie": "Mental healthcare and well-being services for the immigrant community.",
    "sass": "Direct services for children and adolescents.",
    "cdph": "Mental health services for adults across the city. Clinicians speak "
    "Spanish and English, with translation in other languages.",
    "h-safety": "Public safety",
    "police": "<p>As a welcoming city, Chicago does not conduct immigration enforcement, "
    "and the Police Department will not ask about the immigration status of crime "
    "victims, witnesses, or other people who ask for help. Call 911 for emergencies and "
    "311 for city services.</p>",
    "cchr": "If you have been the victim of a hate crime, call 911 immediately, or call "
    "the Commission.",
    "h-id": "Municipal identification program",
    "id": "<p>The City Clerk's Office offers identification to all Chicagoans, "
    "regardless of citizenship status, accepted for all City services and many private "
    "facilities.</p>",
    "more": "Questions? Call 311 or visit the Office of New Americans.",
    "more-label": "Office of New Americans",
}

FLYER_TRANSLATIONS = {
    "es": {
        "title": "Recursos para inmigrantes y refugiados de Chicago",
        "summary": "Ayuda legal, Conozca sus derechos, salud mental, seguridad pública "
        "y la identificación municipal: a quién llamar.",
        "quote": "Quiero que Chicago sea la ciudad más acogedora del mundo para los "
        "inmigrantes.",
        "intro": "<p>Todos los residentes de Chicago, sin importar su estatus migratorio, "
        "pueden usar los servicios de la Ciudad. El Grupo de Trabajo Chicago está contigo "
        "se asegura de que todos los inmigrantes y refugiados conozcan sus derechos y "
        "recursos.</p>",
        "h-legal": "Ayuda legal para inmigrantes",
        "nijc": "Consultas y representación legal gratuitas para inmigrantes.",
        "h-rights": "Conozca sus derechos como inmigrante",
        "trp": "Toda persona tiene derechos legales en los Estados Unidos, incluidos los "
        "inmigrantes indocumentados. Materiales educativos y capacitaciones.",
        "h-health": "Salud mental",
        "lurie": "Servicios de salud mental y bienestar para la comunidad inmigrante.",
        "sass": "Servicios directos para niños y adolescentes.",
        "cdph": "Servicios de salud mental para adultos en toda la ciudad. El personal "
        "clínico habla español e inglés, con traducción a otros idiomas.",
        "h-safety": "Seguridad pública",
        "police": "<p>Como ciudad acogedora, Chicago no aplica las leyes de inmigración, y "
        "el Departamento de Policía no preguntará por el estatus migratorio de las "
        "víctimas de delitos, los testigos ni otras personas que pidan ayuda. Llame al "
        "911 en emergencias y al 311 para servicios de la Ciudad.</p>",
        "cchr": "Si ha sido víctima de un crimen de odio, llame al 911 de inmediato o "
        "llame a la Comisión.",
        "h-id": "Programa de identificación municipal",
        "id": "<p>La Oficina del Secretario Municipal ofrece una identificación a todos "
        "los residentes de Chicago, sin importar su ciudadanía, aceptada en todos los "
        "servicios de la Ciudad y en muchos establecimientos privados.</p>",
        "more": "¿Preguntas? Llame al 311 o visite la Oficina de Nuevos Estadounidenses.",
        "more-label": "Oficina de Nuevos Estadounidenses",
    },
    "ar": {
        "title": "موارد للمهاجرين واللاجئين في شيكاغو",
        "summary": "المساعدة القانونية، واعرف حقوقك، ورعاية الصحة النفسية، والسلامة "
        "العامة، وبطاقة الهوية البلدية: بمن تتصل.",
        "quote": "أريد أن أجعل شيكاغو أكثر مدن العالم ترحيبًا بالمهاجرين.",
        "intro": "<p>يمكن لجميع سكان شيكاغو، بغض النظر عن وضع الهجرة، استخدام خدمات "
        "المدينة. تتأكد فرقة عمل «شيكاغو معك» من أن جميع المهاجرين واللاجئين يعرفون "
        "حقوقهم ومواردهم.</p>",
        "h-legal": "المساعدة القانونية للمهاجرين",
        "nijc": "استشارات وتمثيل قانوني مجاني للمهاجرين.",
        "h-rights": "اعرف حقوقك كمهاجر",
        "trp": "لكل شخص حقوق قانونية في الولايات المتحدة، بما في ذلك المهاجرون غير "
        "الموثقين. مواد تعليمية ودورات تدريبية.",
        "h-health": "رعاية الصحة النفسية",
        "lurie": "خدمات الرعاية الصحية النفسية والرفاه لمجتمع المهاجرين.",
        "sass": "خدمات مباشرة للأطفال والمراهقين.",
        "cdph": "خدمات الصحة النفسية للبالغين في جميع أنحاء المدينة. يتحدث الأطباء "
        "الإسبانية والإنجليزية، مع ترجمة إلى لغات أخرى.",
        "h-safety": "السلامة العامة",
        "police": "<p>بصفتها مدينة مرحِّبة، لا تقوم شيكاغو بإنفاذ قوانين الهجرة، ولن "
        "تسأل الشرطة عن وضع الهجرة لضحايا الجرائم أو الشهود أو غيرهم ممن يطلبون "
        "المساعدة. اتصل بالرقم 911 في حالات الطوارئ وبالرقم 311 لخدمات المدينة.</p>",
        "cchr": "إذا كنت ضحية جريمة كراهية، فاتصل بالرقم 911 فورًا، أو اتصل باللجنة.",
        "h-id": "برنامج الهوية البلدية",
        "id": "<p>يقدّم مكتب كاتب المدينة بطاقة هوية لجميع سكان شيكاغو، بغض النظر عن "
        "وضع الجنسية، وهي مقبولة في جميع خدمات المدينة وفي كثير من المرافق "
        "الخاصة.</p>",
        "more": "هل لديك أسئلة؟ اتصل بالرقم 311 أو تواصل مع مكتب الأمريكيين الجدد.",
        "more-label": "مكتب الأمريكيين الجدد",
    },
    "hi": {
        "title": "शिकागो के आप्रवासियों और शरणार्थियों के लिए संसाधन",
        "summary": "कानूनी मदद, अपने अधिकार जानें, मानसिक स्वास्थ्य देखभाल, सार्वजनिक "
        "सुरक्षा और नगरपालिका पहचान पत्र: किसे कॉल करें।",
        "quote": "मैं शिकागो को दुनिया का सबसे आप्रवासी-हितैषी शहर बनाना चाहता हूँ।",
        "intro": "<p>शिकागो के सभी निवासी, आप्रवासन स्थिति की परवाह किए बिना, शहर की "
        "सेवाओं का उपयोग कर सकते हैं। “शिकागो आपके साथ है” टास्क फ़ोर्स यह सुनिश्चित "
        "करती है कि सभी आप्रवासी और शरणार्थी अपने अधिकार और संसाधन जानें।</p>",
        "h-legal": "आप्रवासियों के लिए कानूनी मदद",
        "nijc": "आप्रवासियों के लिए निःशुल्क कानूनी परामर्श और प्रतिनिधित्व।",
        "h-rights": "एक आप्रवासी के रूप में अपने अधिकार जानें",
        "trp": "संयुक्त राज्य अमेरिका में हर व्यक्ति के कानूनी अधिकार हैं, बिना "
        "दस्तावेज़ वाले आप्रवासियों सहित। शैक्षिक सामग्री और प्रशिक्षण।",
        "h-health": "मानसिक स्वास्थ्य देखभाल",
        "lurie": "आप्रवासी समुदाय के लिए मानसिक स्वास्थ्य देखभाल और कल्याण सेवाएँ।",
        "sass": "बच्चों और किशोरों के लिए प्रत्यक्ष सेवाएँ।",
        "cdph": "पूरे शहर में वयस्कों के लिए मानसिक स्वास्थ्य सेवाएँ। चिकित्सक स्पेनिश "
        "और अंग्रेज़ी बोलते हैं, और अन्य भाषाओं में अनुवाद उपलब्ध है।",
        "h-safety": "सार्वजनिक सुरक्षा",
        "police": "<p>एक स्वागत करने वाले शहर के रूप में, शिकागो आप्रवासन प्रवर्तन नहीं "
        "करता, और पुलिस विभाग अपराध पीड़ितों, गवाहों या मदद माँगने वाले अन्य लोगों से "
        "उनकी आप्रवासन स्थिति के बारे में नहीं पूछेगा। आपात स्थिति में 911 और शहर की "
        "सेवाओं के लिए 311 पर कॉल करें।</p>",
        "cchr": "यदि आप घृणा अपराध के शिकार हुए हैं, तो तुरंत 911 पर कॉल करें, या आयोग "
        "को कॉल करें।",
        "h-id": "नगरपालिका पहचान कार्यक्रम",
        "id": "<p>सिटी क्लर्क का कार्यालय सभी शिकागो निवासियों को, नागरिकता की स्थिति "
        "की परवाह किए बिना, पहचान पत्र देता है, जो शहर की सभी सेवाओं और कई निजी "
        "सुविधाओं में मान्य है।</p>",
        "more": "कोई प्रश्न? 311 पर कॉल करें या न्यू अमेरिकन्स कार्यालय से संपर्क करें।",
        "more-label": "न्यू अमेरिकन्स कार्यालय",
    },
    "zh-hans": {
        "title": "芝加哥移民和难民资源",
        "summary": "法律援助、了解您的权利、心理健康服务、公共安全和市政身份证：该联系谁。",
        "quote": "我希望让芝加哥成为世界上对移民最友好的城市。",
        "intro": "<p>所有芝加哥居民，无论移民身份如何，都可以使用市政服务。"
        "“芝加哥与你同在”工作组确保所有移民和难民了解自己的权利和资源。</p>",
        "h-legal": "移民法律援助",
        "nijc": "为移民提供免费法律咨询和代理。",
        "h-rights": "了解您作为移民的权利",
        "trp": "在美国，每个人都享有法律权利，包括无证移民。提供教育材料和培训。",
        "h-health": "心理健康服务",
        "lurie": "为移民社区提供心理健康和福祉服务。",
        "sass": "为儿童和青少年提供直接服务。",
        "cdph": "为全市成年人提供心理健康服务。临床医生会说西班牙语和英语，并提供其他"
        "语言的翻译。",
        "h-safety": "公共安全",
        "police": "<p>作为一个欢迎移民的城市，芝加哥不执行移民执法，警察局不会询问犯罪"
        "受害者、证人或其他求助者的移民身份。紧急情况请拨打 911，市政服务请拨打 "
        "311。</p>",
        "cchr": "如果您是仇恨犯罪的受害者，请立即拨打 911，或致电该委员会。",
        "h-id": "市政身份证计划",
        "id": "<p>市书记官办公室为所有芝加哥居民提供身份证，无论其公民身份如何；该身份证"
        "适用于所有市政服务和许多私人场所。</p>",
        "more": "有疑问？请拨打 311 或联系新美国人办公室。",
        "more-label": "新美国人办公室",
    },
    "pl": {
        "title": "Zasoby dla imigrantów i uchodźców w Chicago",
        "summary": "Pomoc prawna, poznaj swoje prawa, zdrowie psychiczne, bezpieczeństwo "
        "publiczne i miejski dowód tożsamości: gdzie dzwonić.",
        "quote": "Chcę, aby Chicago było miastem najbardziej przyjaznym imigrantom na "
        "świecie.",
        "intro": "<p>Wszyscy mieszkańcy Chicago, niezależnie od statusu imigracyjnego, "
        "mogą korzystać z usług miasta. Grupa zadaniowa „Chicago jest z Tobą” dba o to, "
        "by wszyscy imigranci i uchodźcy znali swoje prawa i dostępne zasoby.</p>",
        "h-legal": "Pomoc prawna dla imigrantów",
        "nijc": "Bezpłatne konsultacje prawne i reprezentacja dla imigrantów.",
        "h-rights": "Poznaj swoje prawa jako imigrant",
        "trp": "Każda osoba w Stanach Zjednoczonych ma prawa, także imigranci bez "
        "dokumentów. Materiały edukacyjne i szkolenia.",
        "h-health": "Opieka w zakresie zdrowia psychicznego",
        "lurie": "Opieka psychologiczna i usługi wspierające dobrostan społeczności "
        "imigrantów.",
        "sass": "Bezpośrednia pomoc dla dzieci i młodzieży.",
        "cdph": "Usługi zdrowia psychicznego dla dorosłych w całym mieście. Specjaliści "
        "mówią po hiszpańsku i angielsku, a tłumaczenie jest dostępne w innych "
        "językach.",
        "h-safety": "Bezpieczeństwo publiczne",
        "police": "<p>Jako miasto przyjazne imigrantom Chicago nie egzekwuje przepisów "
        "imigracyjnych, a policja nie pyta o status imigracyjny ofiar przestępstw, "
        "świadków ani innych osób proszących o pomoc. W nagłych wypadkach dzwoń pod 911, "
        "w sprawach usług miejskich pod 311.</p>",
        "cchr": "Jeśli padłeś ofiarą przestępstwa z nienawiści, natychmiast zadzwoń pod "
        "911 lub do Komisji.",
        "h-id": "Miejski program dowodów tożsamości",
        "id": "<p>Biuro Urzędnika Miejskiego wydaje dokument tożsamości wszystkim "
        "mieszkańcom Chicago, niezależnie od obywatelstwa; jest on honorowany przez "
        "wszystkie służby miejskie i wiele prywatnych instytucji.</p>",
        "more": "Masz pytania? Zadzwoń pod 311 lub skontaktuj się z Biurem ds. Nowych "
        "Amerykanów.",
        "more-label": "Biuro ds. Nowych Amerykanów",
    },
}
