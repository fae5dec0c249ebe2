// Generates a labelled dataset of person records for the entity-resolution benchmark: several
// records per real person, each with the variations real sources show (typos, other
// transliterations or the original Cyrillic/Arabic script, swapped name order, initials,
// missing or partial birth dates, day/month swaps), plus the traps: homonyms (different people
// with the same name) and households sharing a phone. Deterministic for a given seed.
'use strict';

/** mulberry32: a small seeded PRNG (same seed, same dataset). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Each name: [spellings in Latin script (first = most common)..., native script or null].
const FR_GIVEN_M = ['Jean', 'Pierre', 'Michel', 'André', 'Philippe', 'Alain', 'Bernard', 'Jacques', 'Daniel', 'Christophe', 'Patrick', 'Nicolas', 'Frédéric', 'Laurent', 'Stéphane', 'Julien', 'Sébastien', 'Thomas', 'Antoine', 'François', 'Olivier', 'Éric', 'Mathieu', 'Guillaume', 'Vincent', 'Hugo', 'Lucas', 'Louis', 'Gabriel', 'Raphaël'];
const FR_GIVEN_F = ['Marie', 'Nathalie', 'Isabelle', 'Sylvie', 'Catherine', 'Françoise', 'Christine', 'Monique', 'Valérie', 'Sandrine', 'Sophie', 'Céline', 'Hélène', 'Aurélie', 'Julie', 'Camille', 'Léa', 'Manon', 'Chloé', 'Emma', 'Inès', 'Élodie', 'Anne', 'Claire', 'Juliette'];
const FR_FAMILY = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Lefèvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson', 'Sanchez', 'Gérard', 'Nguyen', 'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier', 'Roger', 'Roche', 'Roy', 'Noël', 'Meyer', 'Lucas', 'Meunier', 'Jean', 'Pérez', 'Marchand', 'Dufour', 'Blanchard', 'Marie', 'Barbier', 'Brun', 'Dumas', 'Brunet', 'Schmitt', 'Leroux', 'Colin', 'Fernandez', 'Pierre', 'Renard', 'Arnaud', 'Rolland', 'Caron', 'Aubert', 'Giraud', 'Leclerc', 'Vidal', 'Bourgeois', 'Renaud', 'Lemoine', 'Picard', 'Gaillard', 'Philippe', 'Leclercq', 'Lacroix', 'Fabre', 'Dupuis', 'Olivier', 'Rodriguez', 'Da Silva', 'Hubert', 'Louis', 'Charles', 'Guillot', 'Rivière', 'Le Gall', 'Guillaume', 'Adam', 'Rey', 'Moulin', 'Gonzalez', 'Berger', 'Lecomte', 'Ménard', 'Fleury', 'Deschamps', 'Carpentier', 'Julien', 'Benoît', 'Paris', 'Maillard', 'Marchal', 'Aubry', 'Vasseur', 'Le Roux', 'Renault', 'Jacquet', 'Collet', 'Prévost', 'Poirier', 'Charpentier', 'Royer', 'Huet', 'Baron', 'Dupuy', 'Pons', 'Paul', 'Laine', 'Carré', 'Breton', 'Rémy', 'Schneider', 'Perrot', 'Guyot', 'Barre', 'Marty', 'Cousin'];
const FR_PLACES = ['Paris', 'Marseille', 'Lyon', 'Toulouse', 'Nice', 'Nantes', 'Strasbourg', 'Montpellier', 'Bordeaux', 'Lille', 'Rennes', 'Reims', 'Saint-Étienne', 'Toulon', 'Le Havre', 'Grenoble', 'Dijon', 'Angers', 'Nîmes', 'Villeurbanne', 'Clermont-Ferrand', 'Le Mans', 'Aix-en-Provence', 'Brest', 'Tours', 'Amiens', 'Limoges', 'Annecy', 'Perpignan', 'Metz'];

const AR_GIVEN_M = [
  [['Mohamed', 'Mohammed', 'Muhammad', 'Mohammad', 'Mohamad'], 'محمد'], [['Ahmed', 'Ahmad'], 'أحمد'], [['Ali'], 'علي'],
  [['Hassan', 'Hasan'], 'حسن'], [['Hussein', 'Hussain', 'Houssein'], 'حسين'], [['Omar', 'Umar'], 'عمر'], [['Khaled', 'Khalid'], 'خالد'],
  [['Youssef', 'Yusuf', 'Youssouf', 'Yousef'], 'يوسف'], [['Ibrahim', 'Brahim'], 'إبراهيم'], [['Abdallah', 'Abdullah', 'Abd Allah'], 'عبد الله'],
  [['Mustafa', 'Moustapha', 'Mostafa'], 'مصطفى'], [['Karim', 'Kareem'], 'كريم'], [['Said', 'Saïd', 'Saeed'], 'سعيد'], [['Rachid', 'Rashid'], 'رشيد'],
  [['Yassine', 'Yasin', 'Yacine'], 'ياسين'], [['Hamza'], 'حمزة'], [['Tarek', 'Tariq'], 'طارق'], [['Walid', 'Oualid'], 'وليد'], [['Samir'], 'سمير'],
  [['Jamal', 'Djamel', 'Jamel'], 'جمال'], [['Bilal'], 'بلال'], [['Nabil'], 'نبيل'], [['Mahmoud', 'Mahmud'], 'محمود'], [['Adel', 'Adil'], 'عادل'],
];
const AR_GIVEN_F = [
  [['Fatima', 'Fatma', 'Fatimah'], 'فاطمة'], [['Aicha', 'Aïcha', 'Aisha'], 'عائشة'], [['Maryam', 'Meriem', 'Mariam'], 'مريم'],
  [['Khadija', 'Khadidja'], 'خديجة'], [['Leila', 'Layla', 'Laila'], 'ليلى'], [['Nour', 'Nur'], 'نور'], [['Amina', 'Aminah'], 'أمينة'],
  [['Salma'], 'سلمى'], [['Yasmina', 'Yasmine'], 'ياسمينة'], [['Zineb', 'Zaynab', 'Zeinab'], 'زينب'], [['Samira'], 'سميرة'], [['Karima'], 'كريمة'],
];
const AR_FAMILY = [
  [['Ben Ali', 'Benali'], 'بن علي'], [['Mansour', 'Mansur'], 'منصور'], [['Haddad'], 'حداد'], [['Khalil'], 'خليل'], [['Cherif', 'Sharif', 'Charif'], 'شريف'],
  [['Othman', 'Outhmane'], 'عثمان'], [['Saleh', 'Salih'], 'صالح'], [['Nasser', 'Nasir'], 'ناصر'], [['Abbas'], 'عباس'], [['Kassem', 'Qasim', 'Kacem'], 'قاسم'],
  [['Zidane', 'Zeidan'], 'زيدان'], [['Yacoub', 'Yaqub'], 'يعقوب'], [['Hamdi'], 'حمدي'], [['Belkacem', 'Belqasim'], 'بلقاسم'], [['Bouzid'], 'بوزيد'],
  [['Brahimi'], 'براهيمي'], [['Ammar', 'Amar'], 'عمار'], [['Hakimi'], 'حكيمي'], [['Rahmani'], 'رحماني'], [['Mahmoudi'], 'محمودي'], [['Salem', 'Salim'], 'سالم'],
  [['Jaber', 'Jabir'], 'جابر'], [['Darwish', 'Derwich'], 'درويش'], [['Haddadi'], 'حدادي'], [['Tahiri'], 'طاهري'], [['Bakri'], 'بكري'], [['Sabri'], 'صبري'],
  [['Masri', 'El Masri'], 'المصري'], [['Hariri'], 'الحريري'], [['Khoury', 'Khouri'], 'خوري'],
];
const AR_PLACES = ['Alger', 'Oran', 'Constantine', 'Casablanca', 'Rabat', 'Fès', 'Marrakech', 'Tunis', 'Sfax', 'Sousse', 'Le Caire', 'Alexandrie', 'Beyrouth', 'Damas', 'Alep', 'Amman', 'Bagdad', 'Tripoli'];

const RU_GIVEN_M = [
  [['Vladimir', 'Wladimir'], 'Владимир'], [['Sergei', 'Sergey', 'Serguei'], 'Сергей'], [['Alexei', 'Aleksei', 'Alexey', 'Aleksey'], 'Алексей'],
  [['Dmitri', 'Dmitry', 'Dimitri'], 'Дмитрий'], [['Yuri', 'Yury', 'Iouri'], 'Юрий'], [['Aleksandr', 'Alexander', 'Alexandre'], 'Александр'],
  [['Mikhail', 'Mikhaïl', 'Michail'], 'Михаил'], [['Nikolai', 'Nikolay', 'Nicolaï'], 'Николай'], [['Andrei', 'Andrey'], 'Андрей'], [['Ivan'], 'Иван'],
  [['Fyodor', 'Fedor', 'Fiodor'], 'Фёдор'], [['Igor'], 'Игорь'], [['Oleg'], 'Олег'], [['Pavel'], 'Павел'], [['Viktor', 'Victor'], 'Виктор'], [['Yevgeny', 'Evgeni', 'Evgueni'], 'Евгений'],
];
const RU_GIVEN_F = [
  [['Olga'], 'Ольга'], [['Natalia', 'Natalya', 'Natalja'], 'Наталья'], [['Ekaterina', 'Yekaterina'], 'Екатерина'], [['Tatiana', 'Tatyana'], 'Татьяна'],
  [['Irina'], 'Ирина'], [['Svetlana'], 'Светлана'], [['Anastasia', 'Anastasiya'], 'Анастасия'], [['Yelena', 'Elena', 'Ielena'], 'Елена'], [['Maria', 'Mariya'], 'Мария'],
];
// Family names in their masculine form; feminine forms add -a.
const RU_FAMILY = [
  [['Ivanov'], 'Иванов'], [['Smirnov'], 'Смирнов'], [['Kuznetsov', 'Kouznetsov'], 'Кузнецов'], [['Popov'], 'Попов'], [['Sokolov'], 'Соколов'],
  [['Lebedev'], 'Лебедев'], [['Kozlov'], 'Козлов'], [['Novikov'], 'Новиков'], [['Morozov'], 'Морозов'], [['Petrov'], 'Петров'], [['Volkov'], 'Волков'],
  [['Solovyov', 'Soloviev'], 'Соловьёв'], [['Vasilyev', 'Vassiliev', 'Vasiliev'], 'Васильев'], [['Zaitsev', 'Zaytsev'], 'Зайцев'], [['Pavlov'], 'Павлов'],
  [['Semyonov', 'Semenov'], 'Семёнов'], [['Golubev'], 'Голубев'], [['Vinogradov'], 'Виноградов'], [['Bogdanov'], 'Богданов'], [['Vorobyov', 'Vorobiev'], 'Воробьёв'],
  [['Fyodorov', 'Fedorov'], 'Фёдоров'], [['Mikhailov'], 'Михайлов'], [['Belyaev', 'Beliaev'], 'Беляев'], [['Tarasov'], 'Тарасов'], [['Belov'], 'Белов'],
  [['Komarov'], 'Комаров'], [['Orlov'], 'Орлов'], [['Kiselyov', 'Kiselev', 'Kisselev'], 'Киселёв'], [['Makarov'], 'Макаров'], [['Andreev', 'Andreyev'], 'Андреев'],
  [['Kovalyov', 'Kovalev'], 'Ковалёв'], [['Ilyin', 'Iline'], 'Ильин'], [['Gusev'], 'Гусев'], [['Titov'], 'Титов'], [['Kuzmin', 'Kouzmine'], 'Кузьмин'],
  [['Yakovlev', 'Iakovlev'], 'Яковлев'], [['Sorokin'], 'Сорокин'], [['Sergeev', 'Sergueiev'], 'Сергеев'], [['Romanov'], 'Романов'], [['Zakharov', 'Zakharoff'], 'Захаров'],
  [['Khrushchev', 'Khrouchtchev'], 'Хрущёв'], [['Gorbachev', 'Gorbatchev'], 'Горбачёв'], [['Yeltsin', 'Eltsine'], 'Ельцин'],
];
const RU_PLACES = ['Moscou', 'Saint-Pétersbourg', 'Novossibirsk', 'Iekaterinbourg', 'Kazan', 'Nijni Novgorod', 'Samara', 'Omsk', 'Rostov-sur-le-Don', 'Oufa', 'Kiev', 'Minsk'];

const EN_GIVEN_M = ['John', 'Michael', 'David', 'James', 'Robert', 'William', 'Richard', 'Joseph', 'Charles', 'George', 'Peter', 'Paul', 'Mark', 'Steven', 'Andrew'];
const EN_GIVEN_F = ['Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Susan', 'Sarah', 'Karen', 'Emily', 'Emma', 'Olivia', 'Laura'];
const EN_FAMILY = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Moore', 'Jackson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker', 'Hall', 'Allen', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', "O'Brien", 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Phillips', 'Evans', 'Turner', 'Parker', 'Collins', 'Edwards', 'Stewart'];
const EN_PLACES = ['London', 'Manchester', 'Birmingham', 'Leeds', 'Glasgow', 'Dublin', 'New York', 'Boston', 'Chicago', 'Toronto'];

const plain = (list) => list.map((n) => [[n], null]);

const ORIGINS = [
  { name: 'fr', weight: 0.45, givenM: plain(FR_GIVEN_M), givenF: plain(FR_GIVEN_F), family: plain(FR_FAMILY), places: FR_PLACES },
  { name: 'ar', weight: 0.25, givenM: AR_GIVEN_M, givenF: AR_GIVEN_F, family: AR_FAMILY, places: AR_PLACES },
  { name: 'ru', weight: 0.15, givenM: RU_GIVEN_M, givenF: RU_GIVEN_F, family: RU_FAMILY, places: RU_PLACES },
  { name: 'en', weight: 0.15, givenM: plain(EN_GIVEN_M), givenF: plain(EN_GIVEN_F), family: plain(EN_FAMILY), places: EN_PLACES },
];

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function makeGenerator(seed) {
  const rnd = prng(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const chance = (p) => rnd() < p;
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  /** Name frequencies are skewed (Zipf-like): common names are very common, as in real data. */
  const zipf = (list) => list[Math.min(list.length - 1, Math.floor(list.length * Math.pow(rnd(), 2.2)))];

  function typo(word) {
    if (word.length < 4) return word;
    const i = int(1, word.length - 2);
    switch (int(0, 3)) {
      case 0: return word.slice(0, i) + word.slice(i + 1); // deletion
      case 1: return word.slice(0, i) + pick(LETTERS) + word.slice(i); // insertion
      case 2: return word.slice(0, i) + pick(LETTERS) + word.slice(i + 1); // substitution
      default: return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2); // transposition
    }
  }
  const stripAccents = (s) => s.normalize('NFKD').replace(/\p{M}+/gu, '');

  return { rnd, pick, chance, int, zipf, typo, stripAccents };
}

/**
 * @returns {{ records: Array<{id: string, entity: number, names: string[], birthDate?: string, place?: string, gender?: string, phone?: string, passport?: string, email?: string}>, stats: object }}
 */
function generatePeople({ seed = 42, entities = 12000 } = {}) {
  const g = makeGenerator(seed);
  const people = [];
  const stats = { entities, homonyms: 0, sharedPhones: 0, variations: { typo: 0, nativeScript: 0, otherSpelling: 0, swappedOrder: 0, initials: 0, yearOnly: 0, dayMonthSwapped: 0, missingBirthDate: 0, dateTypo: 0 } };
  const pickOrigin = () => {
    let r = g.rnd();
    for (const o of ORIGINS) if ((r -= o.weight) < 0) return o;
    return ORIGINS[0];
  };
  const mobile = () => `+336${String(g.int(10000000, 99999999))}`;
  for (let e = 0; e < entities; e++) {
    const origin = pickOrigin();
    const gender = g.chance(0.55) ? 'male' : 'female';
    const given = g.zipf(gender === 'male' ? origin.givenM : origin.givenF);
    const family = g.zipf(origin.family);
    const year = g.int(1940, 2005);
    const month = g.int(1, 12);
    const day = g.int(1, 28);
    people.push({
      id: e, origin, gender, given, family,
      birth: { year, month, day },
      place: g.pick(origin.places),
      phone: mobile(),
      passport: g.chance(0.3) ? `${String(g.int(10, 99))}${g.pick(LETTERS).toUpperCase()}${g.pick(LETTERS).toUpperCase()}${String(g.int(10000, 99999))}` : undefined,
      email: g.chance(0.4) ? `${g.stripAccents(given[0][0]).toLowerCase().replace(/\s/g, '')}.${g.stripAccents(family[0][0]).toLowerCase().replace(/[\s']/g, '')}${g.int(1, 999)}@mail.example` : undefined,
    });
  }
  // Traps. Homonyms: another person with the same name, born elsewhere on another day.
  for (const p of people) {
    if (g.chance(0.04)) {
      const other = people[g.int(0, people.length - 1)];
      if (other !== p && other.origin === p.origin) {
        p.given = other.given;
        p.family = other.family;
        p.gender = other.gender;
        stats.homonyms++;
      }
    }
  }
  // Households: two people of one family share a phone (and the family name), not their identity.
  for (const p of people) {
    if (g.chance(0.12)) {
      const other = people[g.int(0, people.length - 1)];
      if (other !== p && other.origin === p.origin) {
        other.phone = p.phone;
        other.family = p.family;
        stats.sharedPhones++;
      }
    }
  }

  const records = [];
  let seq = 0;
  for (const p of people) {
    const n = 1 + (g.chance(0.75) ? 1 : 0) + (g.chance(0.5) ? 1 : 0) + (g.chance(0.25) ? 1 : 0);
    for (let k = 0; k < n; k++) records.push(variant(g, p, stats, `r${seq++}`));
  }
  // Shuffle so that records of one person are not neighbours.
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(g.rnd() * (i + 1));
    [records[i], records[j]] = [records[j], records[i]];
  }
  stats.records = records.length;
  return { records, stats };
}

function spell(g, name, stats, allowNative) {
  const [latin, native] = name;
  if (allowNative && native && g.chance(0.3)) {
    stats.variations.nativeScript++;
    return { text: native, native: true };
  }
  if (latin.length > 1 && g.chance(0.5)) {
    stats.variations.otherSpelling++;
    return { text: g.pick(latin.slice(1)), native: false };
  }
  return { text: latin[0], native: false };
}

function variant(g, p, stats, id) {
  // Native script is used for the whole name or not at all (a record comes from one source).
  const native = p.origin.name === 'ar' || p.origin.name === 'ru' ? g.chance(0.3) : false;
  const feminine = (text, isNative) => (p.origin.name === 'ru' && p.gender === 'female' ? text + (isNative ? 'а' : 'a') : text);
  let given = native && p.given[1] ? p.given[1] : spell(g, p.given, stats, false).text;
  let family = native && p.family[1] ? feminine(p.family[1], true) : feminine(spell(g, p.family, stats, false).text, false);
  if (native) stats.variations.nativeScript++;
  if (!native && g.chance(0.2)) {
    stats.variations.typo++;
    if (g.chance(0.5)) given = g.typo(given);
    else family = g.typo(family);
  }
  if (!native && g.chance(0.3)) given = g.stripAccents(given);
  let name;
  if (!native && g.chance(0.06)) {
    stats.variations.initials++;
    name = `${given[0]}. ${family}`;
  } else if (g.chance(0.25)) {
    stats.variations.swappedOrder++;
    name = native ? `${family} ${given}` : `${family.toUpperCase()} ${given}`;
  } else name = `${given} ${family}`;

  const rec = { id, entity: p.id, names: [name] };
  const { year, month, day } = p.birth;
  const pad = (x) => String(x).padStart(2, '0');
  const r = g.rnd();
  if (r < 0.12) stats.variations.missingBirthDate++;
  else if (r < 0.2) {
    stats.variations.yearOnly++;
    rec.birthDate = String(year);
  } else if (r < 0.24 && day <= 12 && day !== month) {
    stats.variations.dayMonthSwapped++;
    rec.birthDate = `${year}-${pad(day)}-${pad(month)}`;
  } else if (r < 0.26) {
    stats.variations.dateTypo++;
    rec.birthDate = `${year}-${pad(month)}-${pad(day === 28 ? 27 : day + 1)}`;
  } else rec.birthDate = g.chance(0.3) ? `${pad(day)}/${pad(month)}/${year}` : `${year}-${pad(month)}-${pad(day)}`;
  if (g.chance(0.5)) rec.place = g.chance(0.3) ? p.place.toUpperCase() : p.place;
  if (g.chance(0.6)) rec.gender = p.gender;
  if (g.chance(0.5)) {
    const local = p.phone.slice(3);
    rec.phone = g.chance(0.5) ? `0${local.slice(0, 1)} ${local.slice(1, 3)} ${local.slice(3, 5)} ${local.slice(5, 7)} ${local.slice(7)}` : p.phone;
  }
  if (p.passport && g.chance(0.4)) rec.passport = g.chance(0.5) ? p.passport.toLowerCase() : p.passport;
  if (p.email && g.chance(0.4)) rec.email = g.chance(0.3) ? p.email.toUpperCase() : p.email;
  return rec;
}

module.exports = { generatePeople, prng };
